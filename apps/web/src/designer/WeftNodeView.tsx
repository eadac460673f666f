import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { Tooltip } from "../ui/Tooltip";
import type { WeftNode } from "./mapping";
import { NodeIcon } from "../nodes/NodeIcon";
import { kindOf } from "../nodes/registry";
import { formatDuration } from "../ui/format";
import { useDecorations } from "./view-context";

/** One custom node for every node type: icon, label, activity name, badges, handles per edge kind. */
export const WeftNodeView = memo(function WeftNodeView({ id, type, data, selected }: NodeProps<WeftNode>) {
  const kind = kindOf(type);
  const { nodeProblems, nodeDiff, activities } = useDecorations();
  const s = data.settings;
  const label = typeof s.label === "string" && s.label.trim() ? s.label : kind.title;
  const problems = nodeProblems.get(id) ?? [];
  const errors = problems.filter((p) => p.severity === "error");
  const diff = nodeDiff?.get(id);
  const activityName = typeof s.activity === "string" ? s.activity : undefined;
  const subtitle = kind.type === type ? kind.subtitle(s) : kind.title;
  const badges: { text: string; title: string }[] = [];
  const retry = s.retry as { maxAttempts?: number } | undefined;
  if (retry?.maxAttempts && retry.maxAttempts > 1)
    badges.push({ text: `↻ ${retry.maxAttempts}×`, title: `Retries: up to ${retry.maxAttempts} attempts` });
  if (typeof s.timeoutMs === "number")
    badges.push({ text: `timeout ${formatDuration(s.timeoutMs)}`, title: `Timeout: ${formatDuration(s.timeoutMs)}` });
  if (s.approval)
    badges.push({ text: "✓ approval", title: `Approval: ${((s.approval as { choices?: string[] }).choices ?? []).join(" / ")}` });
  if (kind.type === type && kind.badges) badges.push(...kind.badges(s));
  const activityTitle = activityName ? activities.get(activityName)?.title : undefined;

  const className = [
    "wnode",
    `wnode-${type}`,
    selected ? "is-selected" : "",
    errors.length ? "has-errors" : problems.length ? "has-warnings" : "",
    diff ? `diff-${diff.status}` : "",
  ].join(" ");

  return (
    <div
      className={className}
      style={{ "--kind": kind.color } as React.CSSProperties}
      data-testid={`node-${id}`}
      aria-label={`${kind.title} ${label}`}
    >
      {kind.input ? <Handle type="target" position={Position.Left} className="handle handle-in" aria-label={`Input of ${label}`} /> : null}
      <div className="wnode-head">
        <span className="wnode-icon" aria-hidden="true">
          <NodeIcon type={kind.type} />
        </span>
        <div className="wnode-text">
          <div className="wnode-label" title={label}>
            {label}
          </div>
          <div className="wnode-sub" title={activityTitle ? `${activityTitle} (${subtitle})` : subtitle}>
            {subtitle}
          </div>
        </div>
        {problems.length ? (
          <Tooltip
            content={
              <ul className="tip-list">
                {problems.map((p, i) => (
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            }
          >
            <button
              type="button"
              className={errors.length ? "wnode-problem" : "wnode-problem warning"}
              aria-label={`${problems.length} problem${problems.length > 1 ? "s" : ""} on ${label}: ${problems.map((p) => p.message).join(" ")}`}
            >
              !
            </button>
          </Tooltip>
        ) : null}
      </div>
      {badges.length || diff?.keys.length ? (
        <div className="wnode-badges">
          {badges.map((b) => (
            <span key={b.text} className="badge" title={b.title}>
              {b.text}
            </span>
          ))}
          {diff?.status === "changed" ? (
            <span className="badge badge-changed" title={`Changed: ${diff.keys.join(", ")}`}>
              Δ {diff.keys.join(", ")}
            </span>
          ) : null}
        </div>
      ) : null}
      {kind.outputs.includes("next") ? (
        <Handle
          type="source"
          id="next"
          position={Position.Right}
          className="handle handle-next"
          aria-label={`Next from ${label}`}
          title="Next: drag to the following node"
        />
      ) : null}
      {kind.outputs.includes("error") ? (
        <Handle
          type="source"
          id="error"
          position={Position.Bottom}
          className="handle handle-error"
          style={{ left: "35%" }}
          aria-label={`On error from ${label}`}
          title="On error: taken when it fails after its retries"
        />
      ) : null}
      {kind.outputs.includes("timeout") ? (
        <Handle
          type="source"
          id="timeout"
          position={Position.Bottom}
          className="handle handle-timeout"
          style={{ left: "65%" }}
          aria-label={`On timeout from ${label}`}
          title="On timeout: taken when the wait times out"
        />
      ) : null}
    </div>
  );
});
