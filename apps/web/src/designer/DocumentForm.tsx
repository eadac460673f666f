import { useState } from "react";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { SelectField, TextField } from "./fields";

/** The workflow's own settings: name, description, trigger and input schema. */
export function DocumentForm() {
  const store = useDesignerStore();
  const meta = useDesigner((s) => s.meta);
  const set = (patch: Record<string, unknown>, key?: string) => store.getState().updateMeta(patch, key);
  const trigger = (meta.trigger ?? { type: "manual" }) as { type: string; path?: string; secret?: string; cron?: string; input?: unknown };
  const [schemaText, setSchemaText] = useState(meta.inputSchema ? JSON.stringify(meta.inputSchema, null, 2) : "");
  const [schemaError, setSchemaError] = useState<string | undefined>();
  return (
    <div className="inspector-section">
      <h2>Workflow</h2>
      <p className="muted inspector-id">
        Id <code>{String(meta.id)}</code> · select a node or an edge to edit it.
      </p>
      <TextField label="Name" value={typeof meta.name === "string" ? meta.name : ""} onChange={(v) => set({ name: v }, "name")} />
      <TextField
        label="Description"
        multiline
        value={typeof meta.description === "string" ? meta.description : ""}
        onChange={(v) => set({ description: v === "" ? undefined : v }, "description")}
      />
      <SelectField
        label="Trigger"
        value={trigger.type}
        onChange={(type) =>
          set({
            trigger:
              type === "webhook" ? { type, path: String(meta.id) } : type === "schedule" ? { type, cron: "0 * * * *" } : { type: "manual" },
          })
        }
        options={[
          { value: "manual", label: "Manual (API, Run button)" },
          { value: "webhook", label: "Webhook" },
          { value: "schedule", label: "Schedule (cron)" },
        ]}
      />
      {trigger.type === "webhook" ? (
        <>
          <TextField
            label="Webhook path"
            value={trigger.path}
            onChange={(v) => set({ trigger: { ...trigger, path: v } }, "trigger")}
            hint={`POST /api/hooks/${trigger.path ?? ""}`}
          />
          <TextField
            label="Webhook secret"
            value={trigger.secret}
            onChange={(v) => set({ trigger: { ...trigger, secret: v === "" ? undefined : v } }, "trigger")}
            hint="When set, requests must be signed (HMAC-SHA256)."
          />
        </>
      ) : null}
      {trigger.type === "schedule" ? (
        <TextField
          label="Cron"
          code
          value={trigger.cron}
          onChange={(v) => set({ trigger: { ...trigger, cron: v } }, "trigger")}
          hint='Five fields, e.g. "*/5 * * * *"'
        />
      ) : null}
      <TextField
        label="Input schema (JSON Schema)"
        code
        multiline
        value={schemaText}
        invalid={!!schemaError}
        placeholder='{ "type": "object", "required": ["orderId"] }'
        hint={schemaError ?? "Runs whose input does not conform are refused."}
        onChange={(text) => {
          setSchemaText(text);
          if (text.trim() === "") {
            setSchemaError(undefined);
            set({ inputSchema: undefined }, "inputSchema");
            return;
          }
          try {
            const parsed = JSON.parse(text) as unknown;
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("must be a JSON object");
            setSchemaError(undefined);
            set({ inputSchema: parsed }, "inputSchema");
          } catch (error) {
            setSchemaError(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
          }
        }}
      />
    </div>
  );
}
