import type { InstanceSummary } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { Link } from "react-router";
import { timeAgo } from "../ui/format";
import { formatElapsed, shortJson } from "./status";
import { StatusChip } from "./StatusChip";

/** The runs shown, with a checkbox each for the bulk actions. */
export function RunsTable({
  items,
  selected,
  setSelected,
  now,
}: {
  items: readonly InstanceSummary[];
  selected: ReadonlySet<string>;
  setSelected(update: ReadonlySet<string> | ((old: ReadonlySet<string>) => ReadonlySet<string>)): void;
  now: number;
}) {
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.instanceId));
  const toggle = (id: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <table className="table runs-table">
      <thead>
        <tr>
          <th className="col-check">
            <input
              type="checkbox"
              aria-label="Select every run shown"
              checked={allSelected}
              onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.instanceId)))}
            />
          </th>
          <th>Status</th>
          <th>Instance</th>
          <th>Workflow</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Waiting for / failed with</th>
          <th>Custom status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const end = item.completedAt ? Date.parse(item.completedAt) : isTerminalStatus(item.status) ? Date.parse(item.updatedAt) : now;
          return (
            <tr key={item.instanceId} data-testid={`run-${item.instanceId}`} className={selected.has(item.instanceId) ? "selected" : ""}>
              <td className="col-check">
                <input
                  type="checkbox"
                  aria-label={`Select run ${item.instanceId}`}
                  checked={selected.has(item.instanceId)}
                  onChange={() => toggle(item.instanceId)}
                />
              </td>
              <td>
                <StatusChip status={item.status} />
              </td>
              <td>
                <Link
                  className="mono"
                  to={`/runs/${encodeURIComponent(item.instanceId)}`}
                  title={item.instanceId}
                  aria-label={`Run ${item.instanceId}`}
                >
                  {item.instanceId.length > 13 ? `${item.instanceId.slice(0, 13)}…` : item.instanceId}
                </Link>
              </td>
              <td>
                {item.workflowId}
                {item.version !== null ? <span className="muted"> v{item.version}</span> : null}
              </td>
              <td title={new Date(item.createdAt).toLocaleString()}>{timeAgo(item.createdAt, now)}</td>
              <td>{formatElapsed(end - Date.parse(item.createdAt))}</td>
              <td className="run-now">
                {item.lastError ? (
                  <span className="run-error" title={item.lastError}>
                    {item.lastError}
                  </span>
                ) : item.waitingFor.length ? (
                  <span title={item.waitingFor.join(", ")}>⏸ {item.waitingFor.join(", ")}</span>
                ) : null}
              </td>
              <td className="custom-status" title={shortJson(item.customStatus, 500)}>
                {shortJson(item.customStatus, 40)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
