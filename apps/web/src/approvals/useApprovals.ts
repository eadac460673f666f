import { useQuery } from "@tanstack/react-query";
import { approvalQueries, queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useInvalidateOnInstanceEvents } from "../runs/useInstanceEvents";

/** Every pending approval, kept live by `/api/stream` (answered elsewhere, timed out, new). */
export function useApprovals() {
  const client = useWeftClient();
  useInvalidateOnInstanceEvents(queryKeys.approvals);
  return useQuery({ ...approvalQueries.list(client), meta: { silent: true } });
}
