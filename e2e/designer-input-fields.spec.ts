import { expect, test, type APIRequestContext } from "@playwright/test";
import { createWorkflow, dragFromPalette, freshName, inspector, node, palette, screenshot, waitSaved } from "./helpers";

async function sendInput(request: APIRequestContext, id: string): Promise<string | undefined> {
  const detail = (await (await request.get(`/api/workflows/${encodeURIComponent(id)}`)).json()) as {
    draft: { nodes: { id: string; input?: string }[] };
  };
  return detail.draft.nodes.find((n) => n.id === "send")?.input;
}

// Issue 17, bug 1: typing the literal the hint suggests ("text") key by key. The first `"`
// made the input unparseable as fields, the editor switched to the JSONata tab, focus left
// the field and the rest of the typing was lost.
test("a literal typed key by key into an input field stays in the field", async ({ page, request }) => {
  const id = await createWorkflow(page, freshName("Typing"));
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page)
    .getByRole("button", { name: /^Send notification \(notify\.send\)$/ })
    .click();
  await node(page, "send").click();

  const to = inspector(page).getByLabel("to *");
  await to.click();
  await page.keyboard.type('"ops@example.com"', { delay: 15 });
  await expect(to).toBeFocused();
  await expect(to).toHaveValue('"ops@example.com"');
  await expect(inspector(page).getByRole("tab", { name: "Fields" })).toHaveAttribute("aria-selected", "true");

  // The next field too, after a half-typed string in between.
  const subject = inspector(page).getByLabel("subject *");
  await subject.click();
  await page.keyboard.type('"Deploy of " & input.version', { delay: 15 });
  await expect(subject).toBeFocused();
  await expect(subject).toHaveValue('"Deploy of " & input.version');
  await screenshot(page, "inspector-fields-typed");

  await waitSaved(page);
  await expect.poll(() => sendInput(request, id)).toBe('{ "to": "ops@example.com", "subject": "Deploy of " & input.version }');

  // The JSONata tab shows the whole object; back on Fields, each field has its own part.
  await inspector(page).getByRole("tab", { name: "JSONata" }).click();
  await expect(inspector(page).getByLabel("Input expression")).toHaveValue(
    '{ "to": "ops@example.com", "subject": "Deploy of " & input.version }',
  );
  await inspector(page).getByRole("tab", { name: "Fields" }).click();
  await expect(inspector(page).getByLabel("to *")).toHaveValue('"ops@example.com"');
});

// Issue 17, items 5 and 6: required inputs left out and a map without items passed as
// "No problems — ready to publish"; an empty input passed the previous output on unsaid.
test("the inspector says what an empty input receives, and missing required inputs and map items are problems", async ({ page }) => {
  await createWorkflow(page, freshName("Required"));
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page)
    .getByRole("button", { name: /^Send notification \(notify\.send\)$/ })
    .click();
  await palette(page).getByRole("button", { name: "End", exact: true }).click();
  await node(page, "send").click();
  await expect(inspector(page).getByRole("note")).toHaveText(/No input set: this step receives the run's input as it is/);

  const problems = page.getByRole("region", { name: "Problems" });
  await inspector(page).getByLabel("to *").fill('"ops@example.com"');
  await expect(inspector(page).getByRole("note")).toHaveCount(0);
  await expect(problems.getByRole("button", { name: /its input has no 'subject', 'body', which 'notify\.send' requires/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  await inspector(page).getByLabel("subject *").fill('"Hello"');
  await inspector(page).getByLabel("body *").fill('"Hi there"');
  await expect(problems.getByText("No problems — ready to publish")).toBeVisible();

  // A map fresh from the palette has no list yet: that is a problem until it gets one.
  await dragFromPalette(page, "Map", { x: 500, y: 420 });
  await expect(problems.getByRole("button", { name: /Map 'map'.*items/i }).first()).toBeVisible();
  await screenshot(page, "inspector-required-inputs");
});

// Issue 17, item 8: expression fields offer what the step can read.
test("an expression field offers the paths the step can read: the input and the steps before it", async ({ page }) => {
  await createWorkflow(page, freshName("Paths"));
  await palette(page).getByRole("button", { name: "Start", exact: true }).click();
  await palette(page)
    .getByRole("button", { name: /^Echo \(util\.echo\)$/ })
    .click();
  await palette(page)
    .getByRole("button", { name: /^Send notification \(notify\.send\)$/ })
    .click();
  await node(page, "send").click();
  const to = inspector(page).getByLabel("to *");
  const listId = await to.getAttribute("list");
  expect(listId).toBeTruthy();
  const offered = await page
    .locator(`datalist[id="${listId}"] option`)
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(offered).toEqual(expect.arrayContaining(["input", "steps.echo"]));
  expect(offered).not.toContain("steps.send");
  // Typing narrows the browser's list; choosing one fills the field.
  await to.fill("steps.echo");
  await expect(to).toHaveValue("steps.echo");
});

// Issue 17, item 8: a live preview of an expression against a chosen past run.
test("an activity's input previews against the newest past run, live as it is edited", async ({ page, request }) => {
  const id = `preview-${Date.now().toString(36)}`;
  const definition = {
    id,
    name: `Preview ${id}`,
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      {
        id: "save",
        type: "activity",
        label: "Save",
        activity: "util.echo",
        input: '{ "orderId": input.orderId }',
        position: { x: 220, y: 0 },
      },
      { id: "send", type: "activity", label: "Send", activity: "util.echo", position: { x: 440, y: 0 } },
      { id: "end", type: "end", position: { x: 660, y: 0 } },
    ],
    edges: [
      { id: "e1", source: "start", target: "save" },
      { id: "e2", source: "save", target: "send" },
      { id: "e3", source: "send", target: "end" },
    ],
  };
  expect((await request.put(`/api/workflows/${id}`, { data: definition })).ok()).toBe(true);
  expect((await request.post(`/api/workflows/${id}/publish`)).status()).toBe(201);
  const started = await request.post(`/api/workflows/${id}/instances`, { data: { input: { orderId: "o-9" } } });
  const { instanceId } = (await started.json()) as { instanceId: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/instances/${instanceId}`)).json()) as { status: string }).status)
    .toBe("completed");

  await page.goto(`/workflows/${id}`);
  await node(page, "send").click();
  const preview = inspector(page).getByLabel("Preview against a past run");
  await expect(preview).toContainText("No input set");
  await inspector(page).getByRole("tab", { name: "JSONata" }).click();
  await inspector(page).getByLabel("Input expression").fill('steps.save.orderId & "!"');
  await expect(preview.getByLabel("Preview result")).toHaveText('"o-9!"');
  await inspector(page).getByLabel("Input expression").fill("$nosuchfunction(1)");
  await expect(preview.getByRole("alert")).toBeVisible();
  await screenshot(page, "inspector-expression-preview");
});
