import type { JsonSchema } from "@weft/client";
import { useId } from "react";
import type { StartRun } from "./useStartRun";
import "./start-run.css";

/**
 * The input of a run to start: a JSON text area, what is wrong with it as it is typed (or a hint),
 * the server's refusal, and the input schema when there is one.
 */
export function RunInputField({
  run,
  schema,
  hint,
  rows = 8,
}: {
  run: StartRun;
  schema?: JsonSchema | undefined;
  /** Shown under the field while the input is fine. */
  hint?: string;
  rows?: number;
}) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-input`}>Input (JSON)</label>
        <textarea
          id={`${id}-input`}
          className="json-input"
          rows={rows}
          spellCheck={false}
          value={run.text}
          onChange={(e) => run.setText(e.target.value)}
          aria-invalid={run.problems.length > 0 || undefined}
          aria-describedby={`${id}-problems`}
        />
        {/* Hidden while empty: the field's gap would otherwise leave a blank line under the text area. */}
        <div id={`${id}-problems`} role="status" hidden={run.problems.length === 0 && !hint}>
          {run.problems.length ? (
            <ul className="run-problems">
              {run.problems.map((p) => (
                <li key={p} className="field-error">
                  {p}
                </li>
              ))}
            </ul>
          ) : hint ? (
            <span className="field-hint">{hint}</span>
          ) : null}
        </div>
      </div>
      {run.error ? (
        <p className="field-error" role="alert">
          {run.error.message}
        </p>
      ) : null}
      {schema ? (
        <details>
          <summary>Input schema</summary>
          <pre className="schema-pre">{JSON.stringify(schema, null, 2)}</pre>
        </details>
      ) : null}
    </>
  );
}
