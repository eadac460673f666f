import type { FailureDetails, InstanceDetail } from "@weft/client";

function Json({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return <p className="muted">—</p>;
  return (
    <pre className="json" aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The run's error: name and message, then any other fields (the API keeps stack traces in the server's logs). */
function ErrorDetail({ error }: { error: FailureDetails }) {
  const { name, message, ...rest } = error;
  return (
    <div className="error-detail" aria-label="Error">
      <p>
        <strong>{name}</strong>: {message}
      </p>
      {Object.keys(rest).length ? <pre className="json">{JSON.stringify(rest, null, 2)}</pre> : null}
    </div>
  );
}

/** The run's input, and its output or error once there is one. */
export function InstanceData({ instance, terminal }: { instance: InstanceDetail; terminal: boolean }) {
  return (
    <div className="data-grid">
      <section className="panel" aria-labelledby="input-title">
        <h2 id="input-title">Input</h2>
        <Json value={instance.input} label="Input" />
      </section>
      <section className="panel" aria-labelledby="output-title">
        <h2 id="output-title">{instance.error ? "Error" : "Output"}</h2>
        {instance.error ? (
          <ErrorDetail error={instance.error} />
        ) : terminal ? (
          <Json value={instance.output} label="Output" />
        ) : (
          <p className="muted">Not finished yet.</p>
        )}
      </section>
    </div>
  );
}
