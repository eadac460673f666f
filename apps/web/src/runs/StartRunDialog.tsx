import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";

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
  const navigate = useNavigate();
  const workflows = useQuery({ ...workflowQueries.list(client), enabled: open });
  const published = (workflows.data ?? []).filter((w) => w.latestVersion !== null || w.kind === "code");
  const [workflow, setWorkflow] = useState(initialWorkflow ?? "");
  const [input, setInput] = useState("{}");
  const [parseError, setParseError] = useState<string | undefined>();
  useEffect(() => {
    if (!open) return;
    if (!workflow && published[0]) choose(published[0].id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, published.length]);
  const choose = (id: string) => {
    setWorkflow(id);
    setInput(JSON.stringify(SAMPLE_INPUTS[id] ?? {}, null, 2));
    setParseError(undefined);
  };
  const start = useMutation({
    mutationFn: async () => {
      let parsed: unknown;
      try {
        parsed = input.trim() ? JSON.parse(input) : undefined;
      } catch (error) {
        throw new Error(`The input is not JSON: ${(error as Error).message}`);
      }
      return client.workflows.start(workflow, parsed === undefined ? {} : { input: parsed });
    },
    meta: { silent: true },
    onSuccess: (started) => {
      onOpenChange(false);
      void navigate(`/runs/${encodeURIComponent(started.instanceId)}`);
    },
  });
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
          <button type="button" className="btn btn-primary" disabled={!workflow || start.isPending} onClick={() => start.mutate()}>
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
      <div className="field">
        <label htmlFor="start-input">Input (JSON)</label>
        <textarea
          id="start-input"
          className="json-input"
          rows={8}
          value={input}
          onChange={(e) => {
            setInput(e.target.value);
            setParseError(undefined);
          }}
        />
      </div>
      {parseError || start.error ? (
        <p className="field-error" role="alert">
          {parseError ?? start.error?.message}
        </p>
      ) : null}
    </Dialog>
  );
}
