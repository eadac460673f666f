import { useState } from "react";
import { TextField } from "../designer/fields";
import type { NodeFormProps, NodeKind } from "./kind";

function AssignEditor({ value, onChange }: { value: unknown; onChange(value: Record<string, string>): void }) {
  const assign = (value && typeof value === "object" ? value : {}) as Record<string, string>;
  const entries = Object.entries(assign);
  const [newName, setNewName] = useState("");
  return (
    <fieldset className="subform">
      <legend>Variables</legend>
      {entries.length === 0 ? <p className="field-hint">No variables yet: add one below; it becomes vars.&lt;name&gt;.</p> : null}
      {entries.map(([name, expression]) => (
        <div key={name} className="field-row">
          <TextField label={`vars.${name}`} code value={expression} onChange={(v) => onChange({ ...assign, [name]: v })} />
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Remove variable ${name}`}
            onClick={() => {
              const next = { ...assign };
              delete next[name];
              onChange(next);
            }}
          >
            ✕
          </button>
        </div>
      ))}
      <div className="field-row">
        <TextField label="New variable name" value={newName} onChange={setNewName} />
        <button
          type="button"
          className="btn btn-sm"
          disabled={!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || newName in assign}
          onClick={() => {
            onChange({ ...assign, [newName]: "null" });
            setNewName("");
          }}
        >
          Add variable
        </button>
      </div>
    </fieldset>
  );
}

function TransformForm({ settings: s, set }: NodeFormProps) {
  return <AssignEditor value={s.assign} onChange={(assign) => set({ assign }, "assign")} />;
}

export const transform: NodeKind = {
  type: "transform",
  title: "Transform",
  icon: {
    d: "M6 2C4 2 4 3.5 4 5.5S2.5 8 2.5 8 4 8.5 4 10.5 4 14 6 14M10 2c2 0 2 1.5 2 3.5S13.5 8 13.5 8 12 8.5 12 10.5 12 14 10 14",
  },
  glyph: "ƒ",
  color: "var(--node-data)",
  group: "Data",
  description: "Sets variables (vars.<name>) from expressions.",
  outputs: ["next"],
  input: true,
  defaults: { assign: {} },
  subtitle: (s) =>
    `sets ${
      Object.keys((s.assign as object | undefined) ?? {})
        .map((k) => `vars.${k}`)
        .join(", ") || "variables"
    }`,
  Form: TransformForm,
};
