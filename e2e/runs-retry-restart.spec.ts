import { expect, test } from "@playwright/test";
import { screenshot } from "./helpers";
import { expectStatus, node, publish, shoot, startFromApi } from "./runs-helpers";

const start = { id: "start", type: "start", label: "Start", position: { x: 0, y: 0 } };
const end = { id: "done", type: "end", label: "Done", position: { x: 600, y: 0 } };

test("retry now fires the hour-long backoff of a flaky step and the run completes", async ({ page, request }) => {
  await publish(request, {
    id: "e2e-retry-now",
    name: "Flaky step with an hour of backoff",
    trigger: { type: "manual" },
    nodes: [
      start,
      {
        id: "flaky",
        type: "activity",
        label: "Flaky call",
        position: { x: 220, y: 0 },
        activity: "util.flaky",
        input: '{ "failAttempts": 1 }',
        retry: { maxAttempts: 3, firstIntervalMs: 3_600_000 },
      },
      { ...end, position: { x: 440, y: 0 } },
    ],
    edges: [
      { id: "start-flaky", source: "start", target: "flaky" },
      { id: "flaky-done", source: "flaky", target: "done" },
    ],
  });
  const instanceId = await startFromApi(request, "e2e-retry-now", {});
  await page.goto(`/runs/${instanceId}`);
  await expect(node(page, "flaky")).toHaveAttribute("data-status", "retrying", { timeout: 15_000 });
  await expect(node(page, "flaky")).toContainText("1/3");
  await expectStatus(page, "running");
  await shoot(page, "instance-retrying");
  // The button beside the node fires the backoff timer for that node only.
  await node(page, "flaky").getByRole("button", { name: "Retry flaky now" }).click();
  await expectStatus(page, "completed");
  await expect(node(page, "flaky")).toHaveAttribute("data-status", "succeeded");
  await expect(node(page, "flaky")).toContainText("2/3");
  await expect(page.getByRole("region", { name: "Output" })).toContainText('"attempt": 2');
  await expect(page.getByRole("list", { name: "Timeline rows" })).toContainText(/Flaky call: attempt 1 failed, backoff done, attempt 2/);
});

test("restart from a step on a fixed version keeps the earlier step's output", async ({ page, request }) => {
  const definition = (lastStep: Record<string, unknown>) => ({
    id: "e2e-restart-from",
    name: "Restart from a fixed step",
    trigger: { type: "manual" },
    nodes: [
      start,
      // The expensive step: its output carries the instance id, so a re-run would show.
      {
        id: "prepare",
        type: "activity",
        label: "Prepare",
        position: { x: 220, y: 0 },
        activity: "util.echo",
        input: '{ "preparedBy": instance.id, "n": input.n }',
      },
      { id: "finish", type: "activity", label: "Finish", position: { x: 440, y: 0 }, ...lastStep },
      end,
    ],
    edges: [
      { id: "start-prepare", source: "start", target: "prepare" },
      { id: "prepare-finish", source: "prepare", target: "finish" },
      { id: "finish-done", source: "finish", target: "done" },
    ],
  });
  await publish(request, definition({ activity: "util.fail", input: '{ "message": "the finish step is broken" }' }));
  const failedId = await startFromApi(request, "e2e-restart-from", { n: 7 });
  await page.goto(`/runs/${failedId}`);
  await expectStatus(page, "failed");
  await expect(page.getByRole("alert", { name: "Run error" })).toContainText("the finish step is broken");
  // v2: the step fixed.
  await publish(request, definition({ activity: "util.echo", input: '{ "prepared": steps.prepare, "fixed": true }' }));

  await page.getByRole("button", { name: "Restart from step…" }).click();
  const dialog = page.getByRole("dialog", { name: "Restart from a step" });
  // Issue 17, item 9: the latest version is chosen to begin with (a restart usually runs a fix).
  await expect(dialog.getByLabel("Published version")).toHaveValue("2");
  await dialog.getByLabel("Published version").selectOption("2");
  const step = dialog.getByLabel("Step");
  await expect(step.locator("option", { hasText: "Finish (finish)" })).toHaveCount(1);
  await step.selectOption("finish");
  await screenshot(page, "restart-from-dialog");
  await dialog.getByRole("button", { name: "Restart from here" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(failedId));
  const restartedId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");

  await expectStatus(page, "completed");
  await expect(page.getByRole("link", { name: "e2e-restart-from" })).toBeVisible();
  await expect(page.getByText("v2", { exact: true })).toBeVisible();
  // The earlier step's output is the failed run's (its instance id), not a new one.
  const output = page.getByRole("region", { name: "Output" });
  await expect(output).toContainText(`"preparedBy": "${failedId}"`);
  await expect(output).toContainText('"fixed": true');
  await expect(node(page, "finish")).toHaveAttribute("data-status", "succeeded");
  // Issue 17, item 9: the run links back to the one it was restarted from, and the step it
  // took over is drawn as reused, not as "not started".
  await expect(page.getByRole("link", { name: "The run this one was restarted from" })).toHaveText(failedId);
  await expect(node(page, "prepare")).toHaveAttribute("data-status", "succeeded");
  await expect(node(page, "prepare")).toContainText("reused");
  await node(page, "prepare").click();
  await expect(page.getByRole("region", { name: "Step Prepare" })).toContainText("Reused: this run was restarted after this step");
  await screenshot(page, "restarted-run");
  // The history starts with the seed task that carries the kept outputs.
  const first = page
    .getByRole("region", { name: "History" })
    .getByRole("button", { name: /^Event \d+ TaskScheduled/ })
    .first();
  await expect(first).toContainText("weft.restartSeed");
  const { events } = (await (await request.get(`/api/instances/${restartedId}/history`)).json()) as {
    events: { type: string; name?: string }[];
  };
  expect(events.find((e) => e.type === "TaskScheduled")?.name).toBe("weft.restartSeed");
});
