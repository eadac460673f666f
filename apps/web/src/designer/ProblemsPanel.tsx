import type { Problem } from "@weft/definition";
import { useReactFlow } from "@xyflow/react";
import type { DragEvent } from "react";
import { useCanvasDrop } from "./canvas-drop";
import { useDesignerStore } from "./DesignerStoreContext";
import type { WeftEdge, WeftNode } from "./mapping";
import { NODE_HEIGHT, NODE_WIDTH } from "./geometry";

/** Room between a node dropped on the panel and the panel's top edge. */
const DROP_GAP = 16;

/**
 * Every problem of the drawing; clicking one selects its node (or edge) and centres it. Open,
 * it keeps one height however many problems there are, so the canvas above does not grow and
 * shrink under the pointer as problems come and go while drawing; a palette item dropped on
 * it lands on the canvas just above it.
 */
export function ProblemsPanel({ problems, open, onToggle }: { problems: readonly Problem[]; open: boolean; onToggle(): void }) {
  const store = useDesignerStore();
  const flow = useReactFlow<WeftNode, WeftEdge>();
  const { onDragOver, drop } = useCanvasDrop();
  const onDrop = (event: DragEvent<HTMLElement>) => {
    const top = event.currentTarget.getBoundingClientRect().top;
    drop(event, { x: event.clientX, y: top - NODE_HEIGHT / 2 - DROP_GAP });
  };
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;

  const focus = (problem: Problem) => {
    const state = store.getState();
    let nodeId = problem.nodeId;
    if (!nodeId && problem.edgeId) {
      const edge = state.edges.find((e) => e.id === problem.edgeId);
      nodeId = state.nodes.some((n) => n.id === edge?.source) ? edge?.source : edge?.target;
      state.select({ edgeId: problem.edgeId });
    } else state.select(nodeId ? { nodeId } : null);
    if (!nodeId) return;
    const internal = flow.getInternalNode(nodeId);
    if (!internal) return;
    const { x, y } = internal.internals.positionAbsolute;
    void flow.setCenter(x + (internal.measured.width ?? NODE_WIDTH) / 2, y + (internal.measured.height ?? NODE_HEIGHT) / 2, {
      zoom: Math.max(flow.getZoom(), 1),
      duration: 300,
    });
  };

  return (
    <section className={open ? "problems open" : "problems"} aria-label="Problems" onDragOver={onDragOver} onDrop={onDrop}>
      <button type="button" className="problems-toggle" aria-expanded={open} onClick={onToggle}>
        <span className="problems-title">Problems</span>
        {errors ? (
          <span className="count count-error">
            {errors} error{errors > 1 ? "s" : ""}
          </span>
        ) : null}
        {warnings ? (
          <span className="count count-warning">
            {warnings} warning{warnings > 1 ? "s" : ""}
          </span>
        ) : null}
        {problems.length === 0 ? <span className="count count-ok">No problems — ready to publish</span> : null}
        <span className="problems-chevron" aria-hidden="true">
          {open ? "▾" : "▴"}
        </span>
      </button>
      {open && problems.length === 0 ? (
        <p className="problems-list problems-none">Nothing to fix. Problems show here as you draw.</p>
      ) : null}
      {open && problems.length > 0 ? (
        <ul className="problems-list">
          {problems.map((p, i) => (
            <li key={i}>
              <button type="button" className={`problem-item problem-${p.severity}`} onClick={() => focus(p)}>
                <span className="problem-severity" aria-hidden="true">
                  {p.severity === "error" ? "●" : "▲"}
                </span>
                <span className="problem-message">{p.message}</span>
                <span className="problem-target">{p.nodeId ?? p.edgeId ?? "workflow"}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
