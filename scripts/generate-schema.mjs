// Writes docs/workflow-definition.schema.json from the definition package's zod schema:
//   npm run docs:schema   (after npm run build)
import { writeFileSync } from "node:fs";
import { definitionJsonSchema } from "@weft/definition";

const schema = { $id: "https://weft.dev/schemas/workflow-definition.json", title: "Weft workflow definition", ...definitionJsonSchema() };
writeFileSync(new URL("../docs/workflow-definition.schema.json", import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
console.log("wrote docs/workflow-definition.schema.json");
