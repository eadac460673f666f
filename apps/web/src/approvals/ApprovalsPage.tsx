import { EmptyState } from "../ui/EmptyState";

/** Placeholder: the approvals inbox (one button per choice, sends {decision}) is built next, in this folder. */
export function ApprovalsPage() {
  return (
    <div className="page">
      <h1>Approvals</h1>
      <EmptyState title="The approvals inbox is coming">
        Pending approvals of running workflows (a <em>Wait for event</em> node with approval choices) will be listed here.
      </EmptyState>
    </div>
  );
}
