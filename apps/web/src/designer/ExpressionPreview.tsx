import { useQuery } from "@tanstack/react-query";
import { evaluateExpression } from "@weft/definition";
import { useEffect, useState } from "react";
import { instanceQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { runContext } from "./run-context";

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * An expression evaluated against a past run of the workflow, as you type: the run's input and
 * its steps' outputs from its history (the newest run to begin with; any of the last ten).
 */
export function ExpressionPreview({ workflowId, expression }: { workflowId: string; expression: string | undefined }) {
  const client = useWeftClient();
  const runs = useQuery({ ...instanceQueries.list(client, { workflow: workflowId, limit: 10 }), meta: { silent: true } });
  const items = runs.data?.items ?? [];
  const [chosen, setChosen] = useState<string | undefined>();
  const runId = chosen ?? items[0]?.instanceId;
  const history = useQuery({ ...instanceQueries.history(client, runId ?? ""), enabled: Boolean(runId), meta: { silent: true } });
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  useEffect(() => {
    if (!history.data || !expression?.trim()) return setOutcome(undefined);
    let stale = false;
    const context = runContext(history.data);
    evaluateExpression(expression, context, { now: () => Date.now(), random: () => 0.5, timeoutMs: 250 }).then(
      (value) => !stale && setOutcome({ ok: true, value }),
      (error: unknown) => !stale && setOutcome({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      stale = true;
    };
  }, [history.data, expression]);
  if (runs.isPending) return null;
  if (items.length === 0)
    return <p className="field-hint expression-preview">Run the workflow once to preview this input against real values.</p>;
  return (
    <div className="expression-preview" aria-label="Preview against a past run">
      <div className="field-row">
        <label htmlFor="preview-run">Preview with run</label>
        <select id="preview-run" value={runId} onChange={(e) => setChosen(e.target.value)}>
          {items.map((run) => (
            <option key={run.instanceId} value={run.instanceId}>
              {run.instanceId.slice(0, 8)}… · {run.status} · {new Date(run.createdAt).toLocaleTimeString()}
            </option>
          ))}
        </select>
      </div>
      {!expression?.trim() ? (
        <p className="field-hint">No input set: the step receives what the step before it gave.</p>
      ) : outcome === undefined ? (
        <p className="field-hint">Evaluating…</p>
      ) : outcome.ok ? (
        <pre className="json" aria-label="Preview result">
          {outcome.value === undefined ? "(nothing)" : JSON.stringify(outcome.value, null, 2)}
        </pre>
      ) : (
        <p className="field-error" role="alert" aria-label="Preview error">
          {outcome.error}
        </p>
      )}
    </div>
  );
}
