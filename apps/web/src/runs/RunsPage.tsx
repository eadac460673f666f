import { EmptyState } from "../ui/EmptyState";

/** Placeholder: the Runs list (live status, filters, search) is built next, in this folder. */
export function RunsPage() {
  return (
    <div className="page">
      <h1>Runs</h1>
      <EmptyState title="The runs list is coming">
        Start a workflow from the designer with <strong>Run</strong>; its live page opens at <code>/runs/&lt;instance id&gt;</code>.
      </EmptyState>
    </div>
  );
}
