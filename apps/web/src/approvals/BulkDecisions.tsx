import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Approval } from "@weft/client";
import { useMemo, useState } from "react";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";

export const approvalKey = (a: Approval) => `${a.instanceId}/${a.event}/${a.nodeId ?? ""}`;

/**
 * Approvals selected in the inbox and one decision sent to all of them: the choices every
 * selected approval offers, each sent as its own event (`{decision}`), the refusals counted.
 */
export function useBulkDecisions(items: readonly Approval[]) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const [selectedKeys, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  // What is no longer pending (answered elsewhere, timed out) drops out of the selection.
  const selected = useMemo(() => new Set(items.map(approvalKey).filter((key) => selectedKeys.has(key))), [items, selectedKeys]);
  const chosen = items.filter((a) => selected.has(approvalKey(a)));
  const choices = chosen.length ? (chosen[0]?.choices ?? []).filter((choice) => chosen.every((a) => a.choices.includes(choice))) : [];
  const send = useMutation({
    mutationFn: async (decision: string) => {
      const outcomes = await Promise.allSettled(chosen.map((a) => client.instances.raiseEvent(a.instanceId, a.event, { decision })));
      return {
        decision,
        sent: outcomes.filter((o) => o.status === "fulfilled").length,
        refused: outcomes.filter((o) => o.status === "rejected").length,
      };
    },
    meta: { silent: true },
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: queryKeys.approvals });
    },
  });
  return {
    selected,
    choices,
    allSelected: items.length > 0 && selected.size === items.length,
    select(approval: Approval, on: boolean) {
      const next = new Set(selected);
      if (on) next.add(approvalKey(approval));
      else next.delete(approvalKey(approval));
      setSelected(next);
    },
    selectAll(on: boolean) {
      setSelected(on ? new Set(items.map(approvalKey)) : new Set());
    },
    send,
  };
}

/** "3 selected: [Approved] [Rejected]" above the inbox, and what the last bulk decision did. */
export function BulkBar({ bulk }: { bulk: ReturnType<typeof useBulkDecisions> }) {
  const result = bulk.send.data;
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Decide the selected approvals">
      {bulk.selected.size ? (
        <>
          <span>{bulk.selected.size} selected:</span>
          {bulk.choices.length ? (
            bulk.choices.map((choice) => (
              <button
                key={choice}
                type="button"
                className="btn btn-sm"
                disabled={bulk.send.isPending}
                onClick={() => bulk.send.mutate(choice)}
              >
                {choice} all
              </button>
            ))
          ) : (
            <span className="muted">they have no choice in common; decide them one by one</span>
          )}
        </>
      ) : (
        <span className="muted">Select approvals to decide several at once.</span>
      )}
      {result ? (
        <span role="status" className={result.refused ? "field-error" : "muted"}>
          Sent “{result.decision}” to {result.sent}
          {result.refused ? `; ${result.refused} refused (answered or timed out meanwhile)` : ""}.
        </span>
      ) : null}
    </div>
  );
}
