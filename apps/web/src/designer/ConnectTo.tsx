import { useState } from "react";
import { kindOf } from "../nodes/registry";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import type { WeftNode } from "./mapping";

const HANDLE_LABEL = { next: "Next", error: "On error", timeout: "On timeout" } as const;

/**
 * Connects the selected node to another without a mouse: pick the target (and, where the
 * node has several outputs, which one), then Connect — the same edge a drag from its handle
 * makes.
 */
export function ConnectTo({ node }: { node: WeftNode }) {
  const store = useDesignerStore();
  const nodes = useDesigner((s) => s.nodes);
  const outputs = kindOf(node.type ?? "").outputs;
  const [target, setTarget] = useState("");
  const [handle, setHandle] = useState<(typeof outputs)[number] | "next">("next");
  // Targets: nodes with an input, in the same scope (a map's body connects inside the map).
  const targets = nodes.filter((n) => n.id !== node.id && kindOf(n.type ?? "").input && n.parentId === node.parentId);
  if (targets.length === 0) return null;
  const label = (n: WeftNode) => {
    const text = n.data.settings.label;
    return `${typeof text === "string" && text ? text : kindOf(n.type ?? "").title} (${n.id})`;
  };
  return (
    <fieldset className="connect-to">
      <legend>Connect to</legend>
      <div className="field-row">
        <label className="sr-only" htmlFor={`connect-${node.id}`}>
          Connect {node.id} to
        </label>
        <select id={`connect-${node.id}`} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Choose a step…</option>
          {targets.map((n) => (
            <option key={n.id} value={n.id}>
              {label(n)}
            </option>
          ))}
        </select>
        {outputs.length > 1 ? (
          <select aria-label="From which output" value={handle} onChange={(e) => setHandle(e.target.value as typeof handle)}>
            <option value="next">{HANDLE_LABEL.next}</option>
            {outputs
              .filter((o) => o !== "next")
              .map((o) => (
                <option key={o} value={o}>
                  {HANDLE_LABEL[o]}
                </option>
              ))}
          </select>
        ) : null}
        <button
          type="button"
          className="btn btn-sm"
          disabled={!target}
          onClick={() => {
            store.getState().onConnect({ source: node.id, target, sourceHandle: handle, targetHandle: null });
            setTarget("");
          }}
        >
          Connect
        </button>
      </div>
    </fieldset>
  );
}
