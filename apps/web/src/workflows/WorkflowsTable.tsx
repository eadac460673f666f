import type { WorkflowSummary } from "@weft/client";
import { Link } from "react-router";
import { describeTrigger, timeAgo } from "../ui/format";
import { CodeBadge } from "./CodeWorkflowPage";

/** Each workflow linked by its name, with its latest version, trigger and last change. */
export function WorkflowsTable({ workflows }: { workflows: readonly WorkflowSummary[] }) {
  return (
    <table className="table" aria-label="Workflows">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Latest version</th>
          <th scope="col">Trigger</th>
          <th scope="col">Last change</th>
        </tr>
      </thead>
      <tbody>
        {workflows.map((w) => (
          <tr key={w.id}>
            <td>
              <Link to={`/workflows/${encodeURIComponent(w.id)}`} className="wf-link">
                {w.name}
              </Link>
              {w.kind === "code" ? <CodeBadge /> : null}
              <div className="muted wf-id">{w.id}</div>
            </td>
            <td>
              {w.kind === "code" ? (
                <span className="muted">runs as coded</span>
              ) : w.latestVersion ? (
                <span className="pill">v{w.latestVersion}</span>
              ) : (
                <span className="muted">draft only</span>
              )}
            </td>
            <td>{describeTrigger(w.trigger)}</td>
            <td title={w.updatedAt}>{timeAgo(w.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
