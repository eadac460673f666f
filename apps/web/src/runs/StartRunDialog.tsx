import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { RunInputField } from "../start-run/RunInputField";
import { useStartRun } from "../start-run/useStartRun";
import { Dialog } from "../ui/Dialog";

/** Inputs that run the shipped examples as their descriptions promise. */
const SAMPLE_INPUTS: Record<string, unknown> = {
  "order-processing": { orderId: "A-1001", customer: "Ada", email: "ada@example.com" },
  "video-pipeline": { url: "https://cdn.example.com/up/clip.mov", resolutions: [1080, 720, 480] },
};

/** Starts a published workflow with a JSON input and opens its live page. */
export function StartRunDialog({
  open,
  onOpenChange,
  initialWorkflow,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  initialWorkflow?: string;
}) {
  const client = useWeftClient();
  const workflows = useQuery({ ...workflowQueries.list(client), enabled: open });
  const published = (workflows.data ?? []).filter((w) => w.latestVersion !== null || w.kind === "code");
  const [workflow, setWorkflow] = useState(initialWorkflow ?? "");
  // A drawn workflow's latest version: the input is checked against its inputSchema as it is typed,
  // and that version is the one started (a code-first orchestrator has neither).
  const latest = published.find((w) => w.id === workflow)?.latestVersion ?? undefined;
  const definition = useQuery({ ...workflowQueries.version(client, workflow, latest ?? 0), enabled: open && latest !== undefined });
  const run = useStartRun({
    workflowId: workflow,
    ...(latest !== undefined ? { version: latest, schema: definition.data?.inputSchema } : {}),
    onStarted: () => onOpenChange(false),
  });
  const { reset } = run;
  const choose = (id: string) => {
    setWorkflow(id);
    reset(SAMPLE_INPUTS[id] ?? {});
  };
  const first = published[0]?.id;
  useEffect(() => {
    // The first published workflow, once the list is there, unless one was chosen.
    if (open && !workflow && first) {
      setWorkflow(first);
      reset(SAMPLE_INPUTS[first] ?? {});
    }
  }, [open, workflow, first, reset]);
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Start a run"
      description="Runs the latest published version of a drawn workflow (or a code-first orchestrator as it is) with this input."
      footer={
        <>
          <button type="button" className="btn" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!run.canStart} onClick={run.start}>
            Start
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="start-workflow">Workflow</label>
        <select id="start-workflow" value={workflow} onChange={(e) => choose(e.target.value)}>
          {published.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name} ({w.kind === "code" ? "code" : `v${w.latestVersion}`})
            </option>
          ))}
        </select>
      </div>
      <RunInputField run={run} />
    </Dialog>
  );
}
