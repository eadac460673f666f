import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resultsDir } from "./paths.js";

/** globalSetup of the chaos run: at the end, print every scenario's figures written during this run. */
export default function setup(): () => void {
  const startedAt = Date.now();
  return () => {
    if (!existsSync(resultsDir)) return;
    const rows: string[] = [];
    for (const file of readdirSync(resultsDir).filter((f) => f.startsWith("chaos-") && f.endsWith(".json")).sort()) {
      const result = JSON.parse(readFileSync(join(resultsDir, file), "utf8")) as { scenario: string; recordedAt: string; figures: Record<string, unknown> };
      if (Date.parse(result.recordedAt) < startedAt) continue;
      for (const [name, value] of Object.entries(result.figures)) rows.push(`| ${result.scenario} | ${name} | ${value} |`);
    }
    if (rows.length === 0) return;
    process.stdout.write(`\nWeft chaos suite — figures (bench/results/chaos-*.json)\n\n| scenario | figure | value |\n| --- | --- | --- |\n${rows.join("\n")}\n\n`);
  };
}
