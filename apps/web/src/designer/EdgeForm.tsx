import type { Problem } from "@weft/definition";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { CheckField, SelectField, TextField } from "./fields";
import type { WeftEdge } from "./mapping";
import { ProblemList } from "./ProblemList";

/** An edge's kind (next, on error, on timeout), its label, and a choice branch's condition. */
export function EdgeForm({ edge, problems }: { edge: WeftEdge; problems: readonly Problem[] }) {
  const store = useDesignerStore();
  const source = useDesigner((s) => s.nodes.find((n) => n.id === edge.source));
  const s = edge.data?.settings ?? {};
  const set = (patch: Record<string, unknown>, key?: string) => store.getState().updateEdge(edge.id, patch, key);
  const kind = s.kind === "error" || s.kind === "timeout" ? s.kind : "next";
  return (
    <div className="inspector-section">
      <h2>Edge</h2>
      <p className="muted inspector-id">
        <code>{edge.source}</code> → <code>{edge.target}</code>
      </p>
      <ProblemList problems={problems} />
      <SelectField
        label="Kind"
        value={kind}
        onChange={(v) => set({ kind: v === "next" ? undefined : v })}
        options={[
          { value: "next", label: "Next" },
          { value: "error", label: "On error" },
          { value: "timeout", label: "On timeout" },
        ]}
      />
      {source?.type === "choice" ? (
        <>
          <TextField
            label="Condition"
            code
            value={typeof s.condition === "string" ? s.condition : ""}
            readOnly={s.default === true}
            placeholder='e.g. steps.approve.decision = "Approved"'
            onChange={(v) => set({ condition: v === "" ? undefined : v }, "condition")}
          />
          <CheckField
            label="Default branch"
            checked={s.default === true}
            onChange={(on) => set({ default: on ? true : undefined, condition: on ? undefined : s.condition })}
          />
        </>
      ) : null}
      <TextField
        label="Edge label"
        value={typeof s.label === "string" ? s.label : ""}
        onChange={(v) => set({ label: v === "" ? undefined : v }, "label")}
      />
    </div>
  );
}
