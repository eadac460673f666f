import { useMutation } from "@tanstack/react-query";
import type { WorkflowDetail } from "@weft/client";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useWeftClient } from "../api/WeftClientContext";
import { timeAgo } from "../ui/format";

/** The "code" badge of a code-first orchestrator (Workflows list, its page, the start dialog). */
export function CodeBadge() {
  return (
    <span className="pill pill-code" title="A code-first orchestrator from weft.config">
      code
    </span>
  );
}

/**
 * `/workflows/:id` for a code-first orchestrator from weft.config: there is nothing to draw
 * or publish, so the page says what it is and starts it with a JSON input.
 */
export function CodeWorkflowPage({ detail, loadedAt }: { detail: WorkflowDetail; loadedAt?: string | undefined }) {
  const client = useWeftClient();
  const navigate = useNavigate();
  const [input, setInput] = useState("{}");
  const start = useMutation({
    mutationFn: async () => {
      let parsed: unknown;
      try {
        parsed = input.trim() ? JSON.parse(input) : undefined;
      } catch (error) {
        throw new Error(`The input is not JSON: ${(error as Error).message}`);
      }
      return client.workflows.start(detail.id, parsed === undefined ? {} : { input: parsed });
    },
    meta: { silent: true },
    onSuccess: (started) => void navigate(`/runs/${encodeURIComponent(started.instanceId)}`),
  });
  const name = detail.name ?? detail.id;
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
        <div className="field">
          <label htmlFor="code-input">Input (JSON)</label>
          <textarea
            id="code-input"
            className="json-input"
            rows={8}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            spellCheck={false}
          />
          <p className="field-hint">Passed to the orchestrator as its input.</p>
        </div>
        {start.error ? (
          <p className="field-error" role="alert">
            {start.error.message}
          </p>
        ) : null}
        <button type="button" className="btn btn-primary" disabled={start.isPending} onClick={() => start.mutate()}>
          Start
        </button>
      </section>
    </div>
  );
}
