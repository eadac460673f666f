import { useMutation } from "@tanstack/react-query";
import type { InstanceDetail } from "@weft/client";
import type { NodeState, Plan } from "@weft/definition";
import { useCallback } from "react";
import { ApprovalButtons } from "../approvals/ApprovalButtons";
import { useWeftClient } from "../api/WeftClientContext";

function RetryNodeButton({ instanceId, nodeId }: { instanceId: string; nodeId: string }) {
  const client = useWeftClient();
  const retry = useMutation({ mutationFn: () => client.instances.retryNow(instanceId, { nodeId }), meta: { silent: true } });
  return (
    <div className="retry-now">
      <button
        type="button"
        className="btn btn-sm btn-primary"
        disabled={retry.isPending}
        onClick={() => retry.mutate()}
        aria-label={`Retry ${nodeId} now`}
      >
        Retry now
      </button>
      {retry.error ? (
        <span className="field-error" role="alert">
          {retry.error.message}
        </span>
      ) : null}
    </div>
  );
}

/** What a node of the drawing offers while the run goes on: approval buttons on a waiting approval, Retry now on a retry. */
export function useNodeExtras(instance: InstanceDetail | undefined, terminal: boolean, plan: Plan | undefined) {
  return useCallback(
    (nodeId: string, state: NodeState | undefined) => {
      if (!instance || terminal || !state) return null;
      const node = plan?.nodes[nodeId]?.node;
      if (state.status === "waiting" && node?.type === "waitForEvent" && node.approval) {
        return (
          <ApprovalButtons
            compact
            instanceId={instance.instanceId}
            event={node.event}
            choices={node.approval.choices}
            title={node.approval.title}
          />
        );
      }
      if (state.status === "retrying") return <RetryNodeButton instanceId={instance.instanceId} nodeId={nodeId} />;
      return null;
    },
    [instance, terminal, plan],
  );
}
