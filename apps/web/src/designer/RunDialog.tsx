import { useQuery } from "@tanstack/react-query";
import type { JsonSchema } from "@weft/client";
import { useEffect } from "react";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { RunInputField } from "../start-run/RunInputField";
import { sampleInput } from "../start-run/schema-check";
import { useStartRun } from "../start-run/useStartRun";
import { Dialog } from "../ui/Dialog";

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
  const published = useQuery({ ...workflowQueries.version(client, workflowId, version), enabled: open });
  const schema: JsonSchema | undefined = published.data?.inputSchema;
  const run = useStartRun({ workflowId, version, schema, onStarted: () => onOpenChange(false) });
  const { reset } = run;
  useEffect(() => {
    if (open && published.data) reset(sampleInput(schema));
  }, [open, published.data, schema, reset]);

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
          <button type="button" className="btn btn-primary" disabled={!run.canStart || !published.data} onClick={run.start}>
            Start run
          </button>
        </>
      }
    >
      <RunInputField
        run={run}
        schema={schema}
        rows={10}
        hint={schema ? "Matches the input schema." : "This workflow has no input schema: any JSON is accepted."}
      />
    </Dialog>
  );
}
