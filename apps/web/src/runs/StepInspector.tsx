import type { HistoryEvent } from "@weft/client";
import type { NodeState, Plan } from "@weft/definition";
import { useMemo } from "react";
import { Link } from "react-router";
import { titleOf } from "../nodes/registry";
import { formatElapsed, nodeStatusVar } from "./status";
import { stepDetails, type StepAttempt } from "./step-details";

function JsonBlock({ value, label }: { value: unknown; label: string }) {
  if (value === undefined) return null;
  return (
    <div className="step-json">
      <div className="step-json-label">{label}</div>
      <pre className="json" aria-label={label}>
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

const elapsed = (from: string, to: string | undefined, now: number) => formatElapsed((to ? Date.parse(to) : now) - Date.parse(from));
const clock = (at: string) => new Date(at).toLocaleTimeString();

function AttemptCard({ attempt, now }: { attempt: StepAttempt; now: number }) {
  const heading = `${attempt.index !== undefined ? `Item ${attempt.index} · ` : ""}Attempt ${attempt.attempt}`;
  return (
    <li className="step-attempt" data-status={attempt.status} aria-label={`${heading}: ${attempt.status}`}>
      <div className="step-attempt-head">
        <strong>{heading}</strong>
        <span className="step-attempt-status">{attempt.status === "rewound" ? "failed — rewound, ran again" : attempt.status}</span>
        <span className="muted">
          {clock(attempt.scheduledAt)} · {elapsed(attempt.scheduledAt, attempt.endedAt, now)}
          {attempt.endedAt ? "" : " so far"}
        </span>
      </div>
      {attempt.idempotencyKey ? (
        <div className="step-key">
          Idempotency key <code>{attempt.idempotencyKey}</code>
        </div>
      ) : null}
      {attempt.childInstanceId ? (
        <div className="step-key">
          Sub-workflow run <Link to={`/runs/${encodeURIComponent(attempt.childInstanceId)}`}>{attempt.childInstanceId}</Link>
        </div>
      ) : null}
      <div className="step-json-grid">
        <JsonBlock value={attempt.input} label="Input" />
        {attempt.error !== undefined ? (
          <JsonBlock value={attempt.error} label="Error" />
        ) : (
          <JsonBlock value={attempt.result} label="Output" />
        )}
      </div>
    </li>
  );
}

/**
 * The step inspector of a run: the selected step's state, each attempt's input, output or
 * error and idempotency key, the retry it waits for, and for a wait the event it got.
 */
export function StepInspector({
  instanceId,
  nodeId,
  history,
  state,
  plan,
  now,
  onClose,
}: {
  instanceId: string;
  nodeId: string;
  history: readonly HistoryEvent[];
  state: NodeState | undefined;
  plan: Plan | undefined;
  now: number;
  onClose(): void;
}) {
  const node = plan?.nodes[nodeId]?.node;
  const event = node?.type === "waitForEvent" ? node.event : undefined;
  const details = useMemo(() => stepDetails(nodeId, history, { instanceId, state, event }), [nodeId, history, instanceId, state, event]);
  const label = node?.label || nodeId;
  const status = state?.status ?? "idle";
  const lastError = state?.lastError;
  return (
    <section className="panel step-inspector" aria-label={`Step ${label}`}>
      <div className="step-head">
        <h2>
          {label} <span className="muted step-kind">{node ? titleOf(node.type) : "step"}</span>
        </h2>
        <span className="step-status" style={{ ["--state" as string]: `var(${nodeStatusVar(status)})` }}>
          {status === "idle" ? "not started" : state?.reused ? "reused" : status}
        </span>
        <button type="button" className="btn btn-sm step-close" onClick={onClose} aria-label="Close the step inspector">
          Close
        </button>
      </div>
      <p className="muted step-times">
        Id <code>{nodeId}</code>
        {state?.startedAt ? ` · started ${clock(state.startedAt)}` : ""}
        {state?.startedAt ? ` · ${elapsed(state.startedAt, state.endedAt, now)}${state.endedAt ? "" : " so far"}` : ""}
        {state && state.runs > 1 ? ` · ran ${state.runs} times` : ""}
        {state?.takenEdge ? ` · took ${state.takenEdge === "default" ? "its default branch" : `edge ${state.takenEdge}`}` : ""}
      </p>
      {state?.retryAt ? (
        <div className="step-retry" role="status">
          Retries at {clock(state.retryAt)} (in {formatElapsed(Math.max(0, Date.parse(state.retryAt) - now))})
          {lastError?.message ? (
            <>
              {" "}
              after <strong>{lastError.name}</strong>: {lastError.message}
            </>
          ) : null}
        </div>
      ) : null}
      {state?.error && status === "failed" ? (
        <div className="error-box" role="alert">
          <strong>{state.error.name}</strong>: {state.error.message}
        </div>
      ) : null}
      {details.wait ? (
        <div className="step-wait">
          Waits for the event <code>{details.wait.event}</code>
          {details.wait.timeoutAt ? `, until ${clock(details.wait.timeoutAt)}` : ""}
          {details.wait.receivedAt ? (
            <>
              {" "}
              — received at {clock(details.wait.receivedAt)}
              <JsonBlock value={details.wait.payload} label="Payload" />
            </>
          ) : state?.timedOut ? (
            " — timed out"
          ) : null}
        </div>
      ) : null}
      {details.attempts.length ? (
        <ol className="step-attempts" aria-label="Attempts">
          {details.attempts.map((attempt, i) => (
            <AttemptCard key={`${attempt.taskId}-${i}`} attempt={attempt} now={now} />
          ))}
        </ol>
      ) : state?.reused ? (
        <p className="muted">Reused: this run was restarted after this step, and took its output over from the run it came from.</p>
      ) : node?.type === "activity" || node?.type === "subWorkflow" ? (
        <p className="muted">Not started yet.</p>
      ) : null}
    </section>
  );
}
