import { expect, test } from "@playwright/test";
import { startCodeProjectServer } from "./code-server";
import { expectStatus, node, shoot } from "./runs-helpers";

let url = "";
let stop: (() => void) | undefined;

// e2e.failOnce (a project activity of the code project) fails the first call with a key
// and succeeds after: a run that fails at `charge` and completes once rewound.
const workflow = {
  id: "rewind-order",
  name: "Rewind an order",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "save", type: "activity", label: "Save order", activity: "util.echo", input: "input", position: { x: 220, y: 0 } },
    {
      id: "charge",
      type: "activity",
      label: "Charge card",
      activity: "e2e.failOnce",
      input: '{ "key": input.key }',
      position: { x: 440, y: 0 },
    },
    { id: "notify", type: "activity", label: "Notify", activity: "util.echo", input: "steps.charge", position: { x: 660, y: 0 } },
    { id: "end", type: "end", position: { x: 880, y: 0 } },
  ],
  edges: [
    { id: "e1", source: "start", target: "save" },
    { id: "e2", source: "save", target: "charge" },
    { id: "e3", source: "charge", target: "notify" },
    { id: "e4", source: "notify", target: "end" },
  ],
};

test.beforeAll(async ({ request }) => {
  ({ url, stop } = await startCodeProjectServer(310));
  expect((await request.put(`${url}/api/workflows/${workflow.id}`, { data: workflow })).ok()).toBe(true);
  expect((await request.post(`${url}/api/workflows/${workflow.id}/publish`)).status()).toBe(201);
});

test.afterAll(() => stop?.());

// Issue 17, bug 2: after Rewind the page stayed on "Running" (the stream, closed at the
// failure, never reopened); after a reload the steps that ran after the rewind were drawn
// failed and skipped, and the timeline left out the attempt that ran again.
test("a rewound run is followed live to its end, drawn as it ran, and its timeline keeps both attempts", async ({ page, request }) => {
  const started = await request.post(`${url}/api/workflows/${workflow.id}/instances`, { data: { input: { key: `k-${Date.now()}` } } });
  expect(started.status()).toBe(202);
  const { instanceId } = (await started.json()) as { instanceId: string };

  await page.goto(`${url}/runs/${encodeURIComponent(instanceId)}`);
  await expectStatus(page, "failed");
  await expect(node(page, "charge")).toHaveAttribute("data-status", "failed");
  await expect(node(page, "notify")).toHaveAttribute("data-status", "skipped");

  await page.getByRole("button", { name: "Rewind" }).click();
  // Rewind asks first (issue 17, item 9), naming what runs again.
  const confirm = page.getByRole("dialog", { name: "Rewind this run?" });
  await expect(confirm).toContainText("Runs again: Charge card.");
  await confirm.getByRole("button", { name: "Rewind" }).click();
  // No reload: the page follows the run again and sees it finish.
  await expectStatus(page, "completed");
  const done = await (await request.get(`${url}/api/instances/${encodeURIComponent(instanceId)}`)).json();
  expect(done.status).toBe("completed");
  for (const id of ["save", "charge", "notify"]) await expect(node(page, id)).toHaveAttribute("data-status", "succeeded");
  const rows = page.getByRole("list", { name: "Timeline rows" });
  await expect(rows).toContainText(/Charge card: attempt 1 failed, attempt 1 succeeded/);
  await expect(rows).toContainText(/Notify: attempt 1 succeeded/);
  // The step inspector (issue 17, item 7) on a rewound step: the failure kept, marked, and the attempt that ran again.
  await node(page, "charge").click();
  const attempts = page.getByRole("region", { name: "Step Charge card" }).getByRole("list", { name: "Attempts" });
  await expect(attempts.getByRole("listitem")).toHaveCount(2);
  await expect(attempts.getByRole("listitem").nth(0)).toContainText("failed — rewound, ran again");
  await expect(attempts.getByRole("listitem").nth(1)).toContainText("succeeded");
  await shoot(page, "instance-rewound-live");

  // The same after a reload, from the stored history.
  await page.reload();
  await expectStatus(page, "completed");
  for (const id of ["save", "charge", "notify"]) await expect(node(page, id)).toHaveAttribute("data-status", "succeeded");
  await expect(rows).toContainText(/Charge card: attempt 1 failed, attempt 1 succeeded/);
  await shoot(page, "instance-rewound-reloaded");
});
