import type { ValidationCatalog } from "@weft/definition";

/** What validation needs of a catalog activity: its name and its input schema's required properties. */
export interface CatalogActivity {
  name: string;
  inputSchema?: Readonly<Record<string, unknown>> | undefined;
}

/** The activity part of what drawn workflows are validated against (names, and the inputs each requires). */
export function activityCatalog(activities: readonly CatalogActivity[]): Pick<ValidationCatalog, "activities" | "requiredInputs"> {
  return {
    activities: activities.map((a) => a.name),
    requiredInputs: Object.fromEntries(
      activities.map((a) => {
        const required = a.inputSchema?.required;
        return [a.name, Array.isArray(required) ? required.filter((key): key is string => typeof key === "string") : []];
      }),
    ),
  };
}
