import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeSpecialPurposeAddresses } from "./support/http-probes.js";
import { type InProcessServer, startInProcessServer } from "./support/in-process-server.js";
import { report } from "./support/results.js";

// Issue #23, finding 6, through a running workflow: the special-purpose ranges the first
// blocklist missed are refused by http.request on a default server. (DNS rebinding and
// the per-hop pinning are tested in packages/activities, where the resolver is a seam.)
const TOKEN = "reliability-token-0123456789";
const figures: Record<string, number | boolean> = {};

describe("security probes: http.request", () => {
  let server: InProcessServer;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  beforeAll(async () => {
    server = await startInProcessServer({ apiToken: TOKEN });
  });
  afterAll(async () => {
    report("security-http", figures);
    await server?.close();
  });

  it("refuses benchmarking, 6to4, NAT64, multicast, broadcast and other special-purpose addresses in a running workflow", async () => {
    const outcomes = await probeSpecialPurposeAddresses(
      (path, init) => server.api(path, { ...init, headers: { ...auth, ...init?.headers } }),
      new URL(server.url).port,
    );
    for (const outcome of outcomes) {
      expect(outcome, `${outcome.url} ended ${outcome.status}: ${outcome.message}`).toMatchObject({ status: "failed", refused: true });
    }
    figures.specialPurposeTargetsRefused = outcomes.filter((o) => o.refused).length;
    figures.specialPurposeTargets = outcomes.length;
    figures.maxMsToRefusal = Math.max(...outcomes.map((o) => o.ms));
  });
});
