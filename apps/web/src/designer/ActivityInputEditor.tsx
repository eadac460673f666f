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
  receives,
  onChange,
  readOnly,
}: {
  activity: ActivityInfo | undefined;
  value: string | undefined;
  /** What the step receives when its input is empty, in words ("the output of 'Save order'"). */
  receives?: string;
  onChange(value: string | undefined): void;
  readOnly?: boolean;
}) {
  const properties = activity?.inputSchema.properties ?? {};
  const hasProperties = Object.keys(properties).length > 0;
  // What the Fields view typed last, kept while the node's value is what they make: a field
  // in the middle of an edit (`"hel` on the way to `"hello"`) does not parse back into
  // fields, and deriving them from the value alone switched to the JSONata tab mid-word.
  const [drafts, setDrafts] = useState<InputField[] | undefined>(undefined);
  const current = drafts !== undefined && joinObjectExpression(drafts) === value ? drafts : undefined;
  const split = current ?? splitObjectExpression(value);
  const [mode, setMode] = useState<"fields" | "raw">(split !== undefined && hasProperties ? "fields" : "raw");
  const fieldsPossible = split !== undefined;

  const fields: InputField[] = [];
  if (split) {
    for (const key of Object.keys(properties)) fields.push({ key, expression: split.find((f) => f.key === key)?.expression ?? "" });
    for (const f of split) if (!(f.key in properties)) fields.push(f);
  }
  const required = new Set(activity?.inputSchema.required ?? []);
  const editField = (key: string, expression: string): void => {
    const next = fields.map((f) => (f.key === key ? { ...f, expression } : f));
    setDrafts(next);
    onChange(joinObjectExpression(next));
  };

  return (
    <fieldset className="input-editor">
      <legend>Input</legend>
      {value === undefined ? (
        <p className="field-hint input-received" role="note">
          {receives ? (
            <>
              No input set: this step receives <strong>{receives}</strong> as it is.
            </>
          ) : (
            "No input set, and no step leads here yet: it will receive the output of the step you connect before it."
          )}
          {fields.some((f) => required.has(f.key)) ? " Fill the fields to send something else." : ""}
        </p>
      ) : null}
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
                onChange={(expression) => editField(field.key, expression)}
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
            placeholder={`Empty: ${receives ?? "the previous node's output"}`}
            hint={
              fieldsPossible ? 'JSONata, e.g. { "url": input.url }' : 'Not a plain { "key": expression } object, so it is edited as text.'
            }
            onChange={(text) => {
              setDrafts(undefined);
              onChange(text === "" ? undefined : text);
            }}
          />
        </Tabs.Content>
      </Tabs.Root>
    </fieldset>
  );
}
