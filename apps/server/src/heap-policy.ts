import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what survived the last full collection
 * before it collects again, in percent, in the long-running processes (`weft start`,
 * `weft dev`, `weft worker`).
 *
 * V8 picks the factor itself, up to 4× when collections are cheap, and for this server
 * they are: its live heap is mostly the replay cache's executors, and the transient objects
 * of a burst (a batch request's 1,000 items, a turn batch's rows) outlive a few scavenges
 * while their group commit runs, so they die in the old generation. With 100,000 instances
 * waiting the live heap was ~90 MB but RSS 410–500 MB, dead objects that stayed until the
 * next full collection, seconds or minutes later. At 1.5× RSS stayed at 258–275 MB; a full
 * collection of such a heap costs 20–30 ms, mostly marked concurrently.
 */
export const HEAP_GROWTH_PERCENT = 50;

/** A `--heap-growing-percent` on the node command line wins (0 there restores V8's own policy). */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return false;
  // V8 reads this flag at each full collection, so setting it while running takes effect.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
  return true;
}
