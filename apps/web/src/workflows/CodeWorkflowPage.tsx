import type { WorkflowDetail } from "@weft/client";
import { Link } from "react-router";
import { RunInputField } from "../start-run/RunInputField";
import { useStartRun } from "../start-run/useStartRun";
import { timeAgo } from "../ui/format";

/** The "code" badge of a code-first orchestrator (Workflows list, its page, the start dialog). */
export function CodeBadge() {
  return (
    <span className="pill pill-code" title="A code-first orchestrator from weft.config">
      code
    </span>
  );
}

type CodeWorkflowDetail = Extract<WorkflowDetail, { kind: "code" }>;

/**
 * `/workflows/:id` for a code-first orchestrator from weft.config: there is nothing to draw
 * or publish, so the page says what it is and starts it with a JSON input.
 */
export function CodeWorkflowPage({ detail, loadedAt }: { detail: CodeWorkflowDetail; loadedAt?: string | undefined }) {
  const run = useStartRun({ workflowId: detail.id });
  const name = detail.name;
  return (
    <div className="page code-workflow">
      <div className="page-head">
        <h1>{name}</h1>
        <CodeBadge />
      </div>
      <p className="muted wf-id">{detail.id}</p>
      <section className="panel" aria-labelledby="code-what">
        <h2 id="code-what">A code-first orchestrator</h2>
        <p>
          This workflow is a generator function registered in the project’s <code>weft.config</code>, not a drawing: there is no canvas to
          edit and no version to publish. Each run executes the code the server loaded
          {loadedAt ? <span title={loadedAt}> ({timeAgo(loadedAt)})</span> : null}, with the same durability, instance page, timeline and
          history as a drawn workflow. To change it, edit the code; <code>weft dev</code> reloads it.
        </p>
        <p>
          <Link to={`/runs?workflow=${encodeURIComponent(detail.id)}`}>See its runs</Link>
        </p>
      </section>
      <section className="panel" aria-labelledby="code-start">
        <h2 id="code-start">Start a run</h2>
        <RunInputField run={run} hint="Passed to the orchestrator as its input." />
        <button type="button" className="btn btn-primary" disabled={!run.canStart} onClick={run.start}>
          Start
        </button>
      </section>
    </div>
  );
}
