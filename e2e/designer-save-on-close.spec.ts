import { expect, test, type APIRequestContext } from "@playwright/test";
import { createWorkflow, freshName, inspector, node, palette, waitSaved } from "./helpers";

async function echoLabel(request: APIRequestContext, id: string): Promise<string | undefined> {
  const detail = (await (await request.get(`/api/workflows/${encodeURIComponent(id)}`)).json()) as {
    draft: { nodes: { id: string; label?: string }[] };
  };
  return detail.draft.nodes.find((n) => n.id === "echo")?.label;
}

test("an edit made just before leaving or closing the page is saved", async ({ page, context, request }) => {
  const id = await createWorkflow(page, freshName("Save on close"));
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page)
    .getByRole("button", { name: /^Echo \(util\.echo\)$/ })
    .click();
  await expect(node(page, "echo")).toBeVisible();
  await waitSaved(page);

  // Within the 600 ms autosave debounce, go to another site: pagehide sends the draft.
  await inspector(page).getByLabel("Label").fill("Kept on leaving");
  await page.goto("about:blank");
  await expect.poll(() => echoLabel(request, id), { timeout: 5_000 }).toBe("Kept on leaving");

  // And closing the tab.
  const second = await context.newPage();
  await second.goto(`/workflows/${encodeURIComponent(id)}`);
  await second.getByTestId("node-echo").click();
  await inspector(second).getByLabel("Label").fill("Kept on closing");
  await second.close({ runBeforeUnload: true });
  await expect.poll(() => echoLabel(request, id), { timeout: 5_000 }).toBe("Kept on closing");
});
