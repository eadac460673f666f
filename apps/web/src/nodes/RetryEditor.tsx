import { CheckField, NumberField } from "../designer/fields";

/** The retry policy of an activity or a sub-workflow; unchecking removes it. */
export function RetryEditor({ value, onChange }: { value: unknown; onChange(value: Record<string, unknown> | undefined): void }) {
  const retry = value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  const set = (key: string, v: number | undefined) => {
    const next = { ...retry, [key]: v };
    if (v === undefined) delete next[key];
    onChange(next);
  };
  return (
    <fieldset className="subform">
      <legend>Retry policy</legend>
      <CheckField label="Retry on failure" checked={retry !== undefined} onChange={(on) => onChange(on ? { maxAttempts: 3 } : undefined)} />
      {retry ? (
        <div className="grid-2">
          <NumberField
            label="Max attempts"
            min={1}
            value={retry.maxAttempts}
            onChange={(v) => set("maxAttempts", v)}
            hint="Counts the first attempt."
          />
          <NumberField
            label="First interval (ms)"
            min={1}
            value={retry.firstIntervalMs}
            onChange={(v) => set("firstIntervalMs", v)}
            hint="Default 1000"
          />
          <NumberField
            label="Backoff coefficient"
            min={1}
            step={0.1}
            value={retry.backoffCoefficient}
            onChange={(v) => set("backoffCoefficient", v)}
            hint="Default 2"
          />
          <NumberField
            label="Max interval (ms)"
            min={1}
            value={retry.maxIntervalMs}
            onChange={(v) => set("maxIntervalMs", v)}
            hint="Default: no cap"
          />
          <NumberField
            label="Total timeout (ms)"
            min={1}
            value={retry.totalTimeoutMs}
            onChange={(v) => set("totalTimeoutMs", v)}
            hint="Stop retrying after this long"
          />
        </div>
      ) : null}
    </fieldset>
  );
}
