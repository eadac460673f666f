import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, useStore, type EdgeProps, type ReactFlowState } from "@xyflow/react";
import { memo, useCallback } from "react";
import type { WeftEdge } from "./mapping";
import { useDecorations } from "./view-context";

/** next: solid; error: dashed red; timeout: dotted amber. Choice edges show their condition. */
export const WeftEdgeView = memo(function WeftEdgeView(props: EdgeProps<WeftEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const { edgeProblems, edgeDiff } = useDecorations();
  const s = data?.settings ?? {};
  const kind = s.kind === "error" || s.kind === "timeout" ? s.kind : "next";
  // An edge that goes back left (a wrapped row, a loop) runs along a free horizontal lane
  // instead of through the nodes between its ends.
  const backward = targetX < sourceX - 40 && sourcePosition === "right";
  const lane = useStore(
    useCallback(
      (state: ReactFlowState) => (backward ? freeLane(state, sourceX + 24, targetX - 24, sourceY, targetY) : null),
      [backward, sourceX, targetX, sourceY, targetY],
    ),
  );
  const [path, labelX, labelY] =
    lane !== null
      ? lanePath(sourceX, sourceY, targetX, targetY, lane)
      : getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10 });
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
  const className = [
    "wedge",
    `wedge-${kind}`,
    selected ? "is-selected" : "",
    problems.length ? "has-errors" : "",
    diff ? `diff-${diff.status}` : "",
  ].join(" ");
  const title = [
    text,
    ...problems.map((p) => p.message),
    diff ? `${diff.status}${diff.keys.length ? `: ${diff.keys.join(", ")}` : ""}` : "",
  ]
    .filter(Boolean)
    .join(" — ");
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

/** The first y below the source (or above, when the target is higher) where a horizontal line from x1 to x2 crosses no node. */
export function freeLane(state: ReactFlowState, x1: number, x2: number, sourceY: number, targetY: number): number | null {
  const left = Math.min(x1, x2);
  const right = Math.max(x1, x2);
  const rects: { top: number; bottom: number }[] = [];
  for (const node of state.nodeLookup.values()) {
    const { x, y } = node.internals.positionAbsolute;
    const w = node.measured.width ?? 0;
    const h = node.measured.height ?? 0;
    if (x + w < left || x > right) continue;
    rects.push({ top: y - 12, bottom: y + h + 12 });
  }
  const down = targetY >= sourceY - 10;
  let y = down ? sourceY + 44 : sourceY - 44;
  for (let i = 0; i < 200; i++) {
    const hit = rects.find((r) => y > r.top && y < r.bottom);
    if (!hit) return y;
    y = down ? hit.bottom + 1 : hit.top - 1;
  }
  return null;
}

export function lanePath(sx: number, sy: number, tx: number, ty: number, lane: number): [string, number, number] {
  const points: [number, number][] = [
    [sx, sy],
    [sx + 24, sy],
    [sx + 24, lane],
    [tx - 24, lane],
    [tx - 24, ty],
    [tx, ty],
  ];
  return [roundedPolyline(points, 10), (sx + tx) / 2, lane];
}

function roundedPolyline(points: [number, number][], radius: number): string {
  let d = `M ${points[0]![0]} ${points[0]![1]}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [px, py] = points[i - 1]!;
    const [cx, cy] = points[i]!;
    const [nx, ny] = points[i + 1]!;
    const r1 = Math.min(radius, Math.hypot(cx - px, cy - py) / 2);
    const r2 = Math.min(radius, Math.hypot(nx - cx, ny - cy) / 2);
    const a = [cx - Math.sign(cx - px) * r1, cy - Math.sign(cy - py) * r1];
    const b = [cx + Math.sign(nx - cx) * r2, cy + Math.sign(ny - cy) * r2];
    d += ` L ${a[0]} ${a[1]} Q ${cx} ${cy} ${b[0]} ${b[1]}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L ${last[0]} ${last[1]}`;
}
