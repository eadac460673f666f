import { definition } from "./definitions.js";
import { type Api, publish, sleep } from "./server-process.js";

/**
 * Special-purpose addresses the first blocklist let through (issue #23, finding 6),
 * and one of each further kind. `port` is put on the ones that would reach the
 * server's own host if they got through.
 */
export function specialPurposeTargets(port: string | number): { url: string; refusedAs: RegExp }[] {
  return [
    { url: "http://198.18.0.1/", refusedAs: /a benchmarking address \(Benchmarking, 198\.18\.0\.0\/15\)/ },
    {
      url: `http://[2002:7f00:1::]:${port}/api/health`,
      refusedAs: /a loopback address \(127\.0\.0\.1 in Loopback, 127\.0\.0\.0\/8, carried by 6to4, 2002::\/16\)/,
    },
    { url: "http://224.0.0.1/", refusedAs: /a multicast address \(Multicast, 224\.0\.0\.0\/4\)/ },
    { url: "http://255.255.255.255/", refusedAs: /a broadcast address \(Limited Broadcast, 255\.255\.255\.255\/32\)/ },
    { url: `http://[64:ff9b::7f00:1]:${port}/api/health`, refusedAs: /a loopback address \(127\.0\.0\.1 in Loopback, .*64:ff9b::\/96\)/ },
    { url: "http://192.0.2.1/", refusedAs: /a documentation address/ },
    { url: "http://240.0.0.1/", refusedAs: /a reserved special-purpose address \(Reserved, 240\.0\.0\.0\/4\)/ },
    { url: "http://[ff02::1]/", refusedAs: /a multicast address \(Multicast, ff00::\/8\)/ },
    { url: "http://100.64.0.1/", refusedAs: /a private-network address \(Shared Address Space, 100\.64\.0\.0\/10\)/ },
    { url: "http://[2001:db8::1]/", refusedAs: /a documentation address \(Documentation, 2001:db8::\/32\)/ },
  ];
}

export interface HttpProbeOutcome {
  url: string;
  status: string;
  message: string;
  /** The instance failed with the expected refusal (nothing was fetched). */
  refused: boolean;
  /** From starting the instance to seeing it end, polling every 20 ms. */
  ms: number;
}

/**
 * Runs `http.request` against every special-purpose target in a published workflow of
 * a running server and says how each instance ended. Nothing is asserted here, so the
 * chaos security scenario and `security-http.test.ts` can share it.
 */
export async function probeSpecialPurposeAddresses(api: Api, port: string | number): Promise<HttpProbeOutcome[]> {
  const workflowId = "ssrf-special-purpose-probe";
  await publish(
    api,
    definition(
      workflowId,
      [
        { id: "start", type: "start" },
        { id: "get", type: "activity", activity: "http.request", input: '{ "url": input.url, "timeoutMs": 2000 }' },
        { id: "end", type: "end" },
      ],
      [
        ["start", "get"],
        ["get", "end"],
      ],
    ),
  );
  const outcomes: HttpProbeOutcome[] = [];
  for (const { url, refusedAs } of specialPurposeTargets(port)) {
    const started = performance.now();
    const created = await api(`/api/workflows/${workflowId}/instances`, { json: { input: { url } } });
    if (created.status !== 202)
      throw new Error(`starting the probe for ${url} answered ${created.status}: ${JSON.stringify(created.body)}`);
    let detail: { status?: string; error?: { message?: string } } = {};
    for (let i = 0; i < 500; i++) {
      detail = (await api(`/api/instances/${created.body.instanceId}`)).body;
      if (detail.status === "completed" || detail.status === "failed") break;
      await sleep(20);
    }
    const message = detail.error?.message ?? "";
    outcomes.push({
      url,
      status: detail.status ?? "unknown",
      message,
      refused: detail.status === "failed" && refusedAs.test(message) && message.includes("http.allowPrivateNetworks"),
      ms: Math.round(performance.now() - started),
    });
  }
  return outcomes;
}
