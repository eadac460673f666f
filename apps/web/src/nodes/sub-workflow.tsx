import { useQuery } from "@tanstack/react-query";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useDesigner } from "../designer/DesignerStoreContext";
import { SelectField, TextField } from "../designer/fields";
import { str, type NodeFormProps, type NodeKind } from "./kind";
import { RetryEditor } from "./RetryEditor";

/** A published workflow (never the one being drawn) and its version, "latest" by default. */
function SubWorkflowPicker({
  workflow,
  version,
  onChange,
}: {
  workflow: string | undefined;
  version: unknown;
  onChange(patch: Record<string, unknown>): void;
}) {
  const client = useWeftClient();
  const list = useQuery(workflowQueries.list(client));
  const detail = useQuery({ ...workflowQueries.detail(client, workflow ?? ""), enabled: !!workflow, meta: { silent: true } });
  const self = useDesigner((s) => s.workflowId);
  const options = (list.data ?? [])
    .filter((w) => w.id !== self)
    .map((w) => ({ value: w.id, label: `${w.name} (${w.id})${w.latestVersion ? "" : " — not published"}` }));
  if (workflow && !options.some((o) => o.value === workflow)) options.unshift({ value: workflow, label: `${workflow} (unknown)` });
  const versions = detail.data?.versions ?? [];
  return (
    <>
      <SelectField
        label="Workflow"
        value={workflow ?? ""}
        options={options}
        onChange={(v) => onChange({ workflow: v, version: "latest" })}
      />
      <SelectField
        label="Version"
        value={String(version ?? "latest")}
        onChange={(v) => onChange({ version: v === "latest" ? "latest" : Number(v) })}
        options={[
          { value: "latest", label: "Latest (resolved when the parent starts)" },
          ...versions.map((v) => ({
            value: String(v.version),
            label: `v${v.version} — ${new Date(v.publishedAt).toLocaleString()}`,
          })),
          ...(typeof version === "number" && !versions.some((v) => v.version === version)
            ? [{ value: String(version), label: `v${version}` }]
            : []),
        ]}
      />
    </>
  );
}

function SubWorkflowForm({ settings: s, set }: NodeFormProps) {
  return (
    <>
      <SubWorkflowPicker workflow={str(s.workflow)} version={s.version} onChange={(patch) => set(patch)} />
      <TextField
        label="Input expression"
        code
        multiline
        value={str(s.input)}
        placeholder="Default: the previous node's output"
        onChange={(v) => set({ input: v === "" ? undefined : v }, "input")}
      />
      <RetryEditor value={s.retry} onChange={(retry) => set({ retry }, "retry")} />
    </>
  );
}

export const subWorkflow: NodeKind = {
  type: "subWorkflow",
  title: "Sub-workflow",
  icon: { d: "M2 6h8v8H2zM6 2h8v8h-4" },
  glyph: "↳",
  color: "var(--node-flow)",
  group: "Flow",
  description: "Runs another published workflow and waits for its output.",
  outputs: ["next", "error"],
  input: true,
  defaults: { workflow: "order-processing", version: "latest" },
  subtitle: (s) => `${String(s.workflow ?? "?")} @ ${String(s.version ?? "latest")}`,
  runSubtitle: (s) => `${String(s.workflow ?? "")} @ ${String(s.version ?? "latest")}`,
  Form: SubWorkflowForm,
};
