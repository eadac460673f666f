/**
 * The kv key under which a store keeps the last version number of a deleted workflow,
 * so a workflow made again under that id numbers its versions on from there.
 */
export function lastVersionKey(workflowId: string): string {
  return `weft.workflow.last-version:${workflowId}`;
}
