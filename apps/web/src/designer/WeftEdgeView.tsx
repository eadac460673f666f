import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { WeftEdge } from "./mapping";
import { useDecorations } from "./view-context";

/** next: solid; error: dashed red; timeout: dotted amber. Choice edges show their condition. */
export const WeftEdgeView = memo(function WeftEdgeView(props: EdgeProps<WeftEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const { edgeProblems, edgeDiff } = useDecorations();
  const s = data?.settings ?? {};
  const kind = s.kind === "error" || s.kind === "timeout" ? s.kind : "next";
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10 });
  const problems = edgeProblems.get(id) ?? [];
  const diff = edgeDiff?.get(id);
  const text =
    typeof s.label === "string" && s.label
      ? s.label
      : s.default === true
        ? "default"
        : typeof s.condition === "string"
          ? s.condition
          : kind !== "next"
            ? kind
            : undefined;
  const className = ["wedge", `wedge-${kind}`, selected ? "is-selected" : "", problems.length ? "has-errors" : "", diff ? `diff-${diff.status}` : ""].join(" ");
  const title = [text, ...problems.map((p) => p.message), diff ? `${diff.status}${diff.keys.length ? `: ${diff.keys.join(", ")}` : ""}` : ""].filter(Boolean).join(" — ");
  return (
    <>
      <BaseEdge id={id} path={path} className={className} {...(markerEnd ? { markerEnd } : {})} interactionWidth={16} />
      {text || problems.length ? (
        <EdgeLabelRenderer>
          <div
            className={`wedge-label wedge-label-${kind}${problems.length ? " has-errors" : ""}${selected ? " is-selected" : ""}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={title}
          >
            {problems.length ? "⚠ " : ""}
            {text ?? problems[0]?.message}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});
