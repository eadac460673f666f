import { useApprovals } from "./useApprovals";

/** The count of pending approvals beside the navigation link (hidden from the link's name). */
export function ApprovalsBadge() {
  const count = useApprovals().data?.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="nav-badge" data-testid="approvals-badge" aria-hidden="true">
      {count}
    </span>
  );
}
