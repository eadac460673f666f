import { useQueryClient } from "@tanstack/react-query";
import type { InstanceSummary } from "@weft/client";
import { isTerminalStatus } from "@weft/client";
import { useState } from "react";
import { useWeftClient } from "../api/WeftClientContext";
import { Dialog } from "../ui/Dialog";
import { countOf } from "../ui/format";

type BulkAction = "terminate" | "purge";

/**
 * Terminate or purge the selected runs, after a confirmation that lists them; each applies
 * only to the runs it can (purge to finished ones, terminate to running ones), one by one.
 */
export function BulkActions({
  chosen,
  count,
  clearSelection,
}: {
  chosen: readonly InstanceSummary[];
  /** "3 selected", or how many runs are shown. */
  count: string;
  clearSelection(): void;
}) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const [bulk, setBulk] = useState<BulkAction | undefined>();
  const [bulkResult, setBulkResult] = useState<string | undefined>();
  const eligible = (action: BulkAction) =>
    chosen.filter((i) => (action === "purge" ? isTerminalStatus(i.status) : !isTerminalStatus(i.status)));

  const runBulk = async (action: BulkAction) => {
    const targets = eligible(action);
    const failures: string[] = [];
    for (const item of targets) {
      try {
        if (action === "purge") await client.instances.purge(item.instanceId);
        else await client.instances.terminate(item.instanceId, "terminated from the runs list");
      } catch (error) {
        failures.push(`${item.instanceId.slice(0, 8)}: ${(error as Error).message}`);
      }
    }
    setBulk(undefined);
    clearSelection();
    const done = targets.length - failures.length;
    setBulkResult(
      `${action === "purge" ? "Purged" : "Terminated"} ${done} of ${targets.length}.${failures.length ? ` Refused: ${failures.join("; ")}` : ""}`,
    );
    void queryClient.invalidateQueries({ queryKey: ["instances", "list"] });
  };

  return (
    <>
      <div className="bulk-bar" aria-live="polite">
        <span className="muted">{count}</span>
        <button
          type="button"
          className="btn btn-sm btn-danger"
          disabled={eligible("terminate").length === 0}
          onClick={() => setBulk("terminate")}
        >
          Terminate selected
        </button>
        <button type="button" className="btn btn-sm btn-danger" disabled={eligible("purge").length === 0} onClick={() => setBulk("purge")}>
          Purge selected
        </button>
        {bulkResult ? <span role="status">{bulkResult}</span> : null}
      </div>
      <Dialog
        open={bulk !== undefined}
        onOpenChange={(open) => !open && setBulk(undefined)}
        title={bulk === "purge" ? "Purge the selected runs?" : "Terminate the selected runs?"}
        description={
          bulk === "purge"
            ? `${countOf(eligible("purge").length, "finished run")} and their histories will be deleted for good. Runs still going are left alone.`
            : `${countOf(eligible("terminate").length, "run")} will stop where they are. Finished runs are left alone.`
        }
        footer={
          <>
            <button type="button" className="btn" onClick={() => setBulk(undefined)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={() => bulk && void runBulk(bulk)}>
              {bulk === "purge" ? "Purge" : "Terminate"} {bulk ? eligible(bulk).length : 0}
            </button>
          </>
        }
      >
        <ul className="bulk-list">
          {(bulk ? eligible(bulk) : []).slice(0, 10).map((i) => (
            <li key={i.instanceId} className="mono">
              {i.instanceId}{" "}
              <span className="muted">
                ({i.workflowId}, {i.status})
              </span>
            </li>
          ))}
        </ul>
      </Dialog>
    </>
  );
}
