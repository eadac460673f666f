import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { publish } from "./runs-helpers";

/**
 * A web page the user happens to visit, served from another loopback origin, tries to
 * drive Weft through the user's browser — the "simple" requests CORS does not stop
 * (no-cors fetch with text/plain, form posts, beacons) and a DNS-rebound name. None of
 * them may start an instance or answer an approval; the server must have refused each
 * one (its /metrics counts the 403s and 415s), so the test cannot pass because an
 * attack never left the page.
 */

const ATTACKS = [
  "fetch-text-plain",
  "fetch-form-urlencoded",
  "form-post",
  "form-text-plain",
  "beacon",
  "approve-text-plain",
  "approve-beacon",
  "unsigned-webhook",
] as const;

function attackerPage(): string {
  // The page receives Weft's address and the ids to attack in its query string.
  return `<!doctype html><html><head><meta charset="utf-8"><title>A page on another site</title></head>
<body><h1>Cute cats</h1><iframe name="sink" style="display:none"></iframe>
<script>
async function attack(weft, workflowId, instanceId, hookPath) {
  const start = weft + "/api/workflows/" + workflowId + "/instances";
  const approve = weft + "/api/instances/" + encodeURIComponent(instanceId) + "/events/OrderApprovalResult";
  const input = JSON.stringify({ input: { orderId: "stolen", customer: "Mallory", email: "m@evil.example" } });
  const sent = [];
  const tryIt = async (name, fn) => { try { await fn(); } catch (e) { /* an opaque failure is fine */ } sent.push(name); };
  await tryIt("fetch-text-plain", () => fetch(start, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: input }));
  await tryIt("fetch-form-urlencoded", () => fetch(start, { method: "POST", mode: "no-cors", headers: { "content-type": "application/x-www-form-urlencoded" }, body: input }));
  for (const [name, enctype] of [["form-post", "application/x-www-form-urlencoded"], ["form-text-plain", "text/plain"]]) {
    await tryIt(name, () => new Promise((resolve) => {
      const form = document.createElement("form");
      form.method = "POST"; form.action = start; form.enctype = enctype; form.target = "sink";
      const field = document.createElement("input");
      field.name = '{"input":{"orderId":"stolen","x":"'; field.value = '"}}';
      form.appendChild(field); document.body.appendChild(form);
      document.querySelector("iframe").addEventListener("load", resolve, { once: true });
      form.submit();
    }));
  }
  await tryIt("beacon", async () => { if (!navigator.sendBeacon(start, new Blob([input], { type: "text/plain" }))) throw new Error("not queued"); });
  await tryIt("approve-text-plain", () => fetch(approve, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ decision: "Approved" }) }));
  await tryIt("approve-beacon", async () => { navigator.sendBeacon(approve, JSON.stringify({ decision: "Approved" })); });
  await tryIt("unsigned-webhook", () => fetch(weft + "/api/hooks/" + hookPath, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: input }));
  // Reading is what CORS is for: this must fail in the browser.
  let read = "refused";
  try { const r = await fetch(weft + "/api/workflows"); read = "read " + r.status; } catch { read = "refused"; }
  return { sent, read };
}
</script></body></html>`;
}

async function startAttackerSite(): Promise<{ server: Server; port: number }> {
  const server = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(attackerPage());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** POST requests the server has answered, and how many of those it refused (403/415), from /metrics. */
async function posts(request: APIRequestContext): Promise<{ answered: number; refused: number }> {
  const text = await (await request.get("/metrics")).text();
  const counts = { answered: 0, refused: 0 };
  for (const line of text.split("\n")) {
    const match = /^weft_http_requests_total\{(?=[^}]*method="POST")[^}]*status="(\d+)"[^}]*\} (\d+)/.exec(line);
    if (!match) continue;
    counts.answered += Number(match[2]);
    if (match[1] === "403" || match[1] === "415") counts.refused += Number(match[2]);
  }
  return counts;
}

async function instancesOf(request: APIRequestContext, workflowId: string): Promise<string[]> {
  const body = (await (await request.get(`/api/instances?workflow=${workflowId}&limit=100`)).json()) as { items: { instanceId: string }[] };
  return body.items.map((i) => i.instanceId);
}

async function waitForApproval(request: APIRequestContext, instanceId: string): Promise<void> {
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/instances/${instanceId}`)).json()) as { pending: { events: unknown[] } }).pending.events.length,
      { timeout: 20_000 },
    )
    .toBe(1);
}

async function runAttack(page: Page, weft: string, workflowId: string, instanceId: string, hookPath: string) {
  return page.evaluate(
    ([w, wf, id, hook]) =>
      (window as unknown as { attack: (a: string, b: string, c: string, d: string) => Promise<{ sent: string[]; read: string }> }).attack(
        w,
        wf,
        id,
        hook,
      ),
    [weft, workflowId, instanceId, hookPath] as const,
  );
}

function orderVariant(id: string) {
  const def = JSON.parse(readFileSync(new URL("../examples/order-processing.json", import.meta.url), "utf8")) as {
    id: string;
    name: string;
    nodes: unknown[];
    edges: unknown[];
  };
  // An unsigned webhook: services may call it, web pages may not.
  return { ...def, id, name: `Order (cross-origin probe ${id.slice(-4)})`, trigger: { type: "webhook", path: id } };
}

let attacker: { server: Server; port: number };
test.beforeAll(async () => {
  attacker = await startAttackerSite();
});
test.afterAll(async () => {
  attacker?.server.close();
});

for (const site of ["127.0.0.1", "localhost"] as const) {
  // 127.0.0.1 on another port is the same *site* (Sec-Fetch-Site: same-site); localhost is another site.
  test(`a page on http://${site}:<other port> cannot start instances or approve (${site === "127.0.0.1" ? "same-site" : "cross-site"})`, async ({
    page,
    request,
    baseURL,
  }) => {
    const workflowId = `xorigin-${site === "localhost" ? "l" : "i"}${Date.now().toString(36)}`;
    await publish(request, orderVariant(workflowId));
    const started = await request.post(`/api/workflows/${workflowId}/instances`, {
      data: { input: { orderId: "o-1", customer: "Ada", email: "ada@example.com" } },
    });
    expect(started.status()).toBe(202);
    const { instanceId } = (await started.json()) as { instanceId: string };
    await waitForApproval(request, instanceId);
    const before = await posts(request);

    await page.goto(`http://${site}:${attacker.port}/`);
    await expect(page.getByRole("heading", { name: "Cute cats" })).toBeVisible();
    const outcome = await runAttack(page, baseURL as string, workflowId, instanceId, workflowId);
    expect(outcome.sent).toEqual([...ATTACKS]);
    expect(outcome.read).toBe("refused");

    // Every attack reached the server (beacons are sent after the page asks; wait for them)…
    await expect
      .poll(async () => (await posts(request)).answered - before.answered, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(ATTACKS.length);
    // …and did nothing: no instance started, the approval still pending…
    expect(await instancesOf(request, workflowId)).toEqual([instanceId]);
    const detail = (await (await request.get(`/api/instances/${instanceId}`)).json()) as { status: string; pending: { events: unknown[] } };
    expect(detail.status).toBe("running");
    expect(detail.pending.events).toHaveLength(1);
    const history = (await (await request.get(`/api/instances/${instanceId}/history`)).json()) as { events: { type: string }[] };
    expect(history.events.map((e) => e.type)).not.toContain("EventRaised");
    // …because the server refused each one.
    expect((await posts(request)).refused - before.refused).toBeGreaterThanOrEqual(ATTACKS.length);

    // The same approval from Weft's own page still works, with one click.
    await page.goto(`/runs/${encodeURIComponent(instanceId)}`);
    await page
      .getByRole("group", { name: new RegExp(`for ${instanceId}$`) })
      .getByRole("button", { name: "Approved" })
      .click();
    await expect
      .poll(async () => ((await (await request.get(`/api/instances/${instanceId}`)).json()) as { status: string }).status, {
        timeout: 20_000,
      })
      .toBe("completed");
  });
}

test("a DNS-rebound name reaches the server but is not served (421)", async ({ baseURL }) => {
  // The browser resolves evil.test to 127.0.0.1, as a rebinding DNS server would make it.
  // Chromium's own Local Network Access checks would also stop the page's fetches; they are
  // turned off here because other browsers have none, and the server must not rely on them.
  const port = new URL(baseURL as string).port;
  const browser = await chromium.launch({
    ...(existsSync("/usr/bin/chromium") ? { executablePath: "/usr/bin/chromium" } : {}),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
      "--host-resolver-rules=MAP evil.test 127.0.0.1",
      "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults",
    ],
  });
  try {
    const page = await browser.newPage();
    // Opening the rebound name shows nothing of Weft's.
    for (const path of ["/", "/api/workflows", "/api/instances"]) {
      const response = await page.goto(`http://evil.test:${port}${path}`);
      expect(response?.status(), path).toBe(421);
      expect(await page.content(), path).not.toContain("order-processing");
    }
    // The attacker's own page on its own name; then, same-origin for the browser, the API.
    await page.route(`http://evil.test:${port}/`, (route) =>
      route.fulfill({ contentType: "text/html", body: "<!doctype html><title>rebound</title><h1>Rebound</h1>" }),
    );
    await page.goto(`http://evil.test:${port}/`);
    const answers = await page.evaluate(async () => {
      const outcome = async (request: () => Promise<Response>) => {
        try {
          const response = await request();
          return { status: response.status, body: await response.text() };
        } catch (error) {
          return { status: 0, body: String(error) };
        }
      };
      return {
        read: await outcome(() => fetch("/api/workflows")),
        write: await outcome(() =>
          fetch("/api/workflows/order-processing/instances", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ input: { orderId: "rebound" } }),
          }),
        ),
      };
    });
    expect(answers.read.status, answers.read.body).toBe(421);
    expect(answers.write.status, answers.write.body).toBe(421);
    expect(answers.read.body).not.toContain("order-processing");
    expect(answers.read.body).toContain("WEFT_ALLOWED_HOSTS");
  } finally {
    await browser.close();
  }
});
