import { useMutation, useQuery } from "@tanstack/react-query";
import type { JsonSchema } from "@weft/client";
import { useEffect, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";
import { checkAgainstSchema, sampleInput } from "./schema-check";

/** Starts the latest published version with an input checked against its inputSchema, then opens the run. */
export function RunDialog({
  open,
  onOpenChange,
  workflowId,
  version,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  workflowId: string;
  version: number;
}) {
  const client = useWeftClient();
  const navigate = useNavigate();
  const published = useQuery({ ...workflowQueries.version(client, workflowId, version), enabled: open });
  const schema = published.data?.inputSchema as JsonSchema | undefined;
  const [text, setText] = useState("{}");
  useEffect(() => {
    if (open && published.data) setText(JSON.stringify(sampleInput(schema), null, 2));
  }, [open, published.data, schema]);

  const check = useMemo(() => {
    if (text.trim() === "") return { input: undefined, problems: [] as string[] };
    try {
      const input = JSON.parse(text) as unknown;
      return { input, problems: checkAgainstSchema(input, schema) };
    } catch (error) {
      return { input: undefined, problems: [`Not JSON: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }, [text, schema]);

  const start = useMutation({
    mutationFn: () => client.workflows.start(workflowId, { input: check.input, version }),
    onSuccess: (started) => {
      onOpenChange(false);
      void navigate(`/runs/${encodeURIComponent(started.instanceId)}`);
    },
  });

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Run version ${version}`}
      description="The input is checked against the workflow's input schema."
      footer={
        <>
          <button type="button" className="btn" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={check.problems.length > 0 || start.isPending || !published.data}
            onClick={() => start.mutate()}
          >
            Start run
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="run-input">Input (JSON)</label>
        <textarea
          id="run-input"
          className="code"
          rows={10}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={check.problems.length > 0 || undefined}
          aria-describedby="run-input-problems"
        />
        <div id="run-input-problems" role="status">
          {check.problems.length ? (
            <ul className="run-problems">
              {check.problems.map((p) => (
                <li key={p} className="field-error">
                  {p}
                </li>
              ))}
            </ul>
          ) : (
            <span className="field-hint">
              {schema ? "Matches the input schema." : "This workflow has no input schema: any JSON is accepted."}
            </span>
          )}
        </div>
      </div>
      {schema ? (
        <details>
          <summary>Input schema</summary>
          <pre className="schema-pre">{JSON.stringify(schema, null, 2)}</pre>
        </details>
      ) : null}
    </Dialog>
  );
}
