import { useMutation } from "@tanstack/react-query";
import type { WorkflowDefinition } from "@weft/definition";
import { useState } from "react";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";

/** Raises a named event with a JSON payload; the names the drawing waits for are offered. */
export function RaiseEventDialog({
  open,
  onOpenChange,
  instanceId,
  definition,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  instanceId: string;
  definition?: WorkflowDefinition | undefined;
}) {
  const client = useWeftClient();
  const events = [...new Set((definition?.nodes ?? []).flatMap((n) => (n.type === "waitForEvent" ? [n.event] : [])))];
  const [name, setName] = useState("");
  const [payload, setPayload] = useState("{}");
  const raise = useMutation({
    mutationFn: async () => {
      let body: unknown;
      try {
        body = payload.trim() ? JSON.parse(payload) : null;
      } catch (error) {
        throw new Error(`The payload is not JSON: ${(error as Error).message}`, { cause: error });
      }
      await client.instances.raiseEvent(instanceId, name.trim(), body);
    },
    meta: { silent: true },
    onSuccess: () => onOpenChange(false),
  });
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Raise an event"
      description="Delivers a named event with a JSON payload; a waiting step with that event name receives it."
      footer={
        <>
          <button type="button" className="btn" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!name.trim() || raise.isPending} onClick={() => raise.mutate()}>
            Raise
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="event-name">Event name</label>
        <input
          id="event-name"
          list="event-names"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={events[0] ?? "OrderApprovalResult"}
        />
        <datalist id="event-names">
          {events.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor="event-payload">Payload (JSON)</label>
        <textarea id="event-payload" className="json-input" rows={6} value={payload} onChange={(e) => setPayload(e.target.value)} />
      </div>
      {raise.error ? (
        <p className="field-error" role="alert">
          {raise.error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
