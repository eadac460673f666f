import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FULL, resultsDir } from "./paths.js";

export type Figures = Record<string, number | string | boolean>;

/**
 * The figures of one scenario. The full run writes them to
 * bench/results/chaos-<scenario>.json (the chaos table reads them back); every run
 * prints them, so a fast run in `npm test` shows them too.
 */
export function report(scenario: string, figures: Figures): void {
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  console.log(`[${scenario}] ${line}`);
  if (!FULL) return;
  mkdirSync(resultsDir, { recursive: true });
  const body = {
    scenario,
    recordedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    figures,
  };
  writeFileSync(join(resultsDir, `chaos-${scenario}.json`), `${JSON.stringify(body, null, 2)}\n`);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
