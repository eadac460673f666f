import { NavLink, Outlet, useLocation } from "react-router";
import { ApprovalsBadge } from "../approvals/ApprovalsBadge";
import { ThemeToggle } from "./theme";

/** The app frame: top navigation (Workflows, Runs, Approvals), the theme switch, the page. */
export function Layout() {
  const { pathname } = useLocation();
  const inWorkflows = pathname === "/" || pathname.startsWith("/workflows");
  return (
    <div className="app">
      <header className="app-header">
        <a className="brand" href="/" aria-label="Weft home">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span>Weft</span>
        </a>
        <nav aria-label="Main" className="main-nav">
          <NavLink to="/" className={() => navClass(inWorkflows)}>
            Workflows
          </NavLink>
          <NavLink to="/runs" className={({ isActive }) => navClass(isActive)}>
            Runs
          </NavLink>
          <NavLink to="/approvals" className={({ isActive }) => navClass(isActive)}>
            Approvals
            <ApprovalsBadge />
          </NavLink>
          <NavLink to="/outbox" className={({ isActive }) => navClass(isActive)}>
            Outbox
          </NavLink>
        </nav>
        <div className="header-end">
          <a className="btn btn-ghost" href="/api/docs" target="_blank" rel="noreferrer">
            API docs
          </a>
          <ThemeToggle />
        </div>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}

function navClass(active: boolean): string {
  return active ? "nav-link active" : "nav-link";
}
