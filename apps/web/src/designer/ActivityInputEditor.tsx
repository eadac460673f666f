import * as Tabs from "@radix-ui/react-tabs";
import type { ActivityInfo, JsonSchema } from "@weft/client";
import { useState } from "react";
import { TextField } from "./fields";
import { joinObjectExpression, splitObjectExpression, type InputField } from "./input-fields";

export function schemaTypeHint(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.type) return Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return union.map(schemaTypeHint).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  return "any";
}

/**
 * An activity's input: one expression field per property of its JSON Schema (plus any
 * key the expression already has), or the whole JSONata expression as text.
 */
export function ActivityInputEditor({
  activity,
  value,
  onChange,
  readOnly,
}: {
  activity: ActivityInfo | undefined;
  value: string | undefined;
  onChange(value: string | undefined): void;
  readOnly?: boolean;
}) {
  const split = splitObjectExpression(value);
  const properties = activity?.inputSchema.properties ?? {};
  const hasProperties = Object.keys(properties).length > 0;
  const [mode, setMode] = useState<"fields" | "raw">(split !== undefined && hasProperties ? "fields" : "raw");
  const fieldsPossible = split !== undefined;

  const fields: InputField[] = [];
  if (split) {
    for (const key of Object.keys(properties)) fields.push({ key, expression: split.find((f) => f.key === key)?.expression ?? "" });
    for (const f of split) if (!(f.key in properties)) fields.push(f);
  }
  const required = new Set(activity?.inputSchema.required ?? []);

  return (
    <fieldset className="input-editor">
      <legend>Input</legend>
      <Tabs.Root value={fieldsPossible ? mode : "raw"} onValueChange={(v) => setMode(v as "fields" | "raw")}>
        <Tabs.List className="tabs" aria-label="Input editing mode">
          <Tabs.Trigger value="fields" className="tab" disabled={!fieldsPossible}>
            Fields
          </Tabs.Trigger>
          <Tabs.Trigger value="raw" className="tab">
            JSONata
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="fields" className="tab-panel">
          {fields.length === 0 ? (
            <p className="field-hint">
              {activity
                ? "This activity takes no named properties; write its input as JSONata."
                : "Pick an activity to get one field per input property."}
            </p>
          ) : null}
          {fields.map((field) => {
            const schema = properties[field.key];
            return (
              <TextField
                key={field.key}
                label={field.key + (required.has(field.key) ? " *" : "")}
                code
                readOnly={readOnly}
                value={field.expression}
                placeholder={schema ? `e.g. input.${field.key}` : undefined}
                hint={
                  <>
                    <span className="type-hint">{schemaTypeHint(schema)}</span>
                    {schema?.description ? ` — ${schema.description}` : schema ? "" : " — not in the activity's schema"}
                  </>
                }
                onChange={(expression) =>
                  onChange(joinObjectExpression(fields.map((f) => (f.key === field.key ? { ...f, expression } : f))))
                }
              />
            );
          })}
          {fields.length > 0 ? (
            <p className="field-hint">
              Each field is a JSONata expression over input, steps, vars (e.g. <code>steps.save.id</code>, <code>"text"</code>).
            </p>
          ) : null}
        </Tabs.Content>
        <Tabs.Content value="raw" className="tab-panel">
          <TextField
            label="Input expression"
            code
            multiline
            readOnly={readOnly}
            value={value}
            placeholder="Default: the previous node's output"
            hint={
              fieldsPossible ? 'JSONata, e.g. { "url": input.url }' : 'Not a plain { "key": expression } object, so it is edited as text.'
            }
            onChange={(text) => onChange(text === "" ? undefined : text)}
          />
        </Tabs.Content>
      </Tabs.Root>
    </fieldset>
  );
}
