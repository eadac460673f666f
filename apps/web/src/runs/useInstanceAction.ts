import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { WeftClient } from "@weft/client";
import { useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { followAgain } from "./instance-stream";

export type Action = "terminate" | "suspend" | "resume" | "restart" | "rewind" | "purge" | "retryNow";

export const LABELS: Record<Action, string> = {
  terminate: "Terminate",
  suspend: "Suspend",
  resume: "Resume",
  restart: "Restart",
  rewind: "Rewind",
  purge: "Purge",
  retryNow: "Retry now",
};

/** Sends one action; a restart answers with the new run's id. */
async function perform(client: WeftClient, id: string, action: Action, reason: string): Promise<{ action: Action; newId?: string }> {
  switch (action) {
    case "terminate":
      await client.instances.terminate(id, reason.trim() || undefined);
      return { action };
    case "suspend":
      await client.instances.suspend(id);
      return { action };
    case "resume":
      await client.instances.resume(id);
      return { action };
    case "rewind":
      await client.instances.rewind(id);
      return { action };
    case "retryNow":
      await client.instances.retryNow(id);
      return { action };
    case "purge":
      await client.instances.purge(id);
      return { action };
    case "restart":
      return { action, newId: (await client.instances.restart(id)).instanceId };
  }
}

/**
 * An instance's actions: after a purge the runs list opens, after a restart the new run,
 * otherwise a notice says it was accepted and the instance is fetched again.
 */
export function useInstanceAction(id: string, reason: string, onDone: () => void) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<string | undefined>();
  const act = useMutation({
    mutationFn: (action: Action) => perform(client, id, action, reason),
    meta: { silent: true },
    onMutate: () => setNotice(undefined),
    onSuccess: ({ action, newId }) => {
      onDone();
      if (action === "purge") {
        queryClient.removeQueries({ queryKey: queryKeys.instance(id) });
        void navigate("/runs");
        return;
      }
      if (newId) {
        void navigate(`/runs/${encodeURIComponent(newId)}`);
        return;
      }
      setNotice(`${LABELS[action]}: accepted.`);
      // A rewound run goes on: its stream, closed at the failure, follows it again.
      if (action === "rewind") followAgain(id);
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(id), exact: true });
    },
  });
  return { act, notice };
}
