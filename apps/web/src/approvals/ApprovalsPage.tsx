import { Link } from "react-router";
import { timeAgo } from "../ui/format";
import { EmptyState } from "../ui/EmptyState";
import { useNow } from "../runs/useInstanceEvents";
import { formatElapsed } from "../runs/status";
import { ApprovalButtons } from "./ApprovalButtons";
import { approvalKey, BulkBar, useBulkDecisions } from "./BulkDecisions";
import { useApprovals } from "./useApprovals";
import "../runs/runs.css";

/** Every pending approval across instances, one button per choice; live over `/api/stream`. */
export function ApprovalsPage() {
  const approvals = useApprovals();
  const now = useNow(1000);
  const items = approvals.data ?? [];
  const bulk = useBulkDecisions(items);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Approvals</h1>
        <span className="muted">{approvals.data ? `${items.length} waiting` : ""}</span>
      </div>
      {approvals.isError ? (
        <p role="alert" className="field-error">
          The approvals could not be loaded: {approvals.error.message}
        </p>
      ) : null}
      {approvals.isPending ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <EmptyState title="Nothing to approve">
          When a running workflow reaches a <em>Wait for event</em> node with approval choices (the order flow’s “Wait for approval”), it
          shows up here, live, with one button per choice.
        </EmptyState>
      ) : (
        <>
          <BulkBar bulk={bulk} />
          <table className="table approvals-table">
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Select every approval"
                    checked={bulk.allSelected}
                    onChange={(e) => bulk.selectAll(e.target.checked)}
                  />
                </th>
                <th>Approval</th>
                <th>Run</th>
                <th>Workflow</th>
                <th>Instance</th>
                <th>Waiting since</th>
                <th>Time left</th>
                <th>Decision</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => {
                const left = a.timeoutAt ? Date.parse(a.timeoutAt) - now : undefined;
                return (
                  <tr key={approvalKey(a)} data-testid={`approval-${a.instanceId}`}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${a.title} for ${a.summary ?? a.instanceId}`}
                        checked={bulk.selected.has(approvalKey(a))}
                        onChange={(e) => bulk.select(a, e.target.checked)}
                      />
                    </td>
                    <td>
                      <strong>{a.title}</strong>
                      {a.nodeId ? <div className="muted mono small">{a.nodeId}</div> : null}
                    </td>
                    <td className="approval-summary">{a.summary ?? <span className="muted">—</span>}</td>
                    <td>{a.workflowId}</td>
                    <td>
                      <Link className="mono" to={`/runs/${encodeURIComponent(a.instanceId)}`} title={a.instanceId}>
                        {a.instanceId.slice(0, 8)}
                      </Link>
                    </td>
                    <td title={a.since}>{timeAgo(a.since, now)}</td>
                    <td className={left !== undefined && left < 60_000 ? "warn" : ""}>
                      {left === undefined ? "no timeout" : left <= 0 ? "timing out" : formatElapsed(left)}
                    </td>
                    <td>
                      <ApprovalButtons instanceId={a.instanceId} event={a.event} choices={a.choices} title={a.title} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
