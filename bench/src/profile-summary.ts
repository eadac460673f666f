/**
 * Summarises --cpu-prof profiles (main threads only): wall time, idle, GC, and self
 * time grouped into where it goes (SQLite driver, pg driver + protocol, JSON, the
 * engine's replay and turn code, the stores' JS, module loading …), plus the top
 * self-time functions.
 *
 *   node --import tsx src/profile-summary.ts results/profiles/s1-pg [more dirs…]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function category(frame: ProfileNode["callFrame"]): string {
  const { functionName: f, url } = frame;
  if (f === "(idle)") return "idle (waiting on IO: fsync, the database, timers)";
  if (f === "(garbage collector)") return "GC";
  if (f === "(program)") return "V8/native other";
  if (/better-sqlite3/.test(url) || (url === "" && /^(run|all|get|iterate|exec|prepare|transaction)$/.test(f)))
    return "SQLite (better-sqlite3, incl. fsync in the call)";
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-)/.test(url)) return "pg driver + protocol";
  if (/^JSON\.|^(parse|stringify)$/.test(f) && url === "") return "JSON parse/stringify";
  if (/packages\/engine\/dist\/core/.test(url)) return "engine core (replay, context, history)";
  if (/packages\/engine\/dist\/runtime/.test(url)) return "engine runtime (worker, turns, client)";
  if (/packages\/store-sqlite/.test(url)) return "store-sqlite JS";
  if (/packages\/store-postgres/.test(url)) return "store-postgres JS";
  if (/packages\/definition|jsonata/.test(url)) return "definition interpreter + JSONata";
  if (/tsx|esbuild|node:internal\/modules|internal\/modules/.test(url)) return "module loading (tsx, startup)";
  if (
    /node:net|node:internal\/stream|internal\/streams|node:internal\/net|stream_base/.test(url) ||
    /^(writev|writeBuffer|writeUtf8String|onStreamRead)$/.test(f)
  )
    return "sockets/streams";
  if (
    /node:internal\/(timers|process\/task_queues|async_hooks)/.test(url) ||
    /^(processTicksAndRejections|runMicrotasks|listOnTimeout|processTimers)$/.test(f)
  )
    return "timers/microtasks";
  if (/\/bench\//.test(url)) return "bench harness";
  return "other";
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = (profile.endTime - profile.startTime) / 1000;
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const c = category(node.callFrame);
    cats.set(c, (cats.get(c) ?? 0) + us / 1000);
    const url = node.callFrame.url.replace(/^.*\/(packages|node_modules)\//, "$1/");
    const key = `${node.callFrame.functionName || "(anonymous)"} ${url}:${node.callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us / 1000);
  }
  console.log(`\n${file}  (wall ${total.toFixed(0)} ms)`);
  for (const [c, ms] of [...cats].sort((a, b) => b[1] - a[1]))
    console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${c}`);
  console.log("  top self time:");
  for (const [f, ms] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 12)))
    console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${f}`);
}

for (const dir of process.argv.slice(2)) {
  for (const name of readdirSync(dir).filter((n) => /\.0\.\d+\.cpuprofile$/.test(n))) summarise(join(dir, name));
}
