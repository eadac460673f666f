import { describe, expect, it } from "vitest";
import { report } from "./support/results.js";
import { probeSecretLeaks } from "./support/secret-probes.js";

// Scenario 9, secrets (issue #23, finding 5): no form of a secret's value in any
// surface — outbox, instance views, histories, SSE streams, errors, log lines, the
// SQLite files — while the activity itself gets the real value.
describe("security: secrets", () => {
  it("no secret, in any encoding, in the outbox, views, histories, streams, errors, logs or the database file", async () => {
    const started = performance.now();
    const result = await probeSecretLeaks();
    report("security-secrets", {
      surfacesChecked: result.surfacesChecked,
      formsChecked: result.formsChecked,
      leaks: result.leaks.length,
      delivered: result.delivered,
      encryptedAtRest: result.encryptedAtRest,
      probeMs: Math.round(performance.now() - started),
    });
    expect(result.runs).toEqual(["probe-notify: completed", "probe-echo: completed", "probe-refused: failed", "probe-host: failed"]);
    expect(result.delivered).toBe(true);
    expect(result.encryptedAtRest).toBe(true);
    expect(result.leaks).toEqual([]);
  }, 60_000);
});
