import { Link } from "react-router";
import { EmptyState } from "./EmptyState";

export function NotFound() {
  return (
    <div className="page">
      <EmptyState
        title="Nothing here"
        actions={
          <Link className="btn btn-primary" to="/">
            Go to workflows
          </Link>
        }
      >
        This address is not a page of Weft.
      </EmptyState>
    </div>
  );
}
