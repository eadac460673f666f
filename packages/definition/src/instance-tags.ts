/**
 * The instance tags a drawn workflow's run carries, and typed ways to write and read
 * them. Tags are strings on the wire and in the store; these helpers are the only
 * places that turn them into numbers and back.
 *
 * - `version`: the published version the instance runs;
 * - `sub:<nodeId>`: the version a sub-workflow node starts, pinned at the parent's start;
 * - `restart:from` / `restart:of`: an instance restarted from a step of another.
 */
type Tags = Readonly<Record<string, string>>;

export const VERSION_TAG = "version";
export const SUB_WORKFLOW_TAG_PREFIX = "sub:";
export const RESTART_FROM_TAG = "restart:from";
export const RESTART_OF_TAG = "restart:of";

/** `{ version: "3" }` */
export function versionTag(version: number): Record<string, string> {
  return { [VERSION_TAG]: String(version) };
}

/** The published version an instance runs; undefined for code-first instances (no valid tag). */
export function taggedVersion(tags: Tags | undefined): number | undefined {
  return positiveInteger(tags?.[VERSION_TAG]);
}

/** `{ "sub:<nodeId>": "<version>" }`: the version the sub-workflow node `nodeId` starts. */
export function subWorkflowTag(nodeId: string, version: number): Record<string, string> {
  return { [`${SUB_WORKFLOW_TAG_PREFIX}${nodeId}`]: String(version) };
}

/** The version pinned for the sub-workflow node `nodeId`; undefined when none was (an instance of an older release). */
export function taggedSubWorkflowVersion(tags: Tags, nodeId: string): number | undefined {
  return positiveInteger(tags[`${SUB_WORKFLOW_TAG_PREFIX}${nodeId}`]);
}

/** The tags of an instance restarted from `nodeId` of `instanceId`. */
export function restartTags(instanceId: string, nodeId: string): Record<string, string> {
  return { [RESTART_FROM_TAG]: nodeId, [RESTART_OF_TAG]: instanceId };
}

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}
