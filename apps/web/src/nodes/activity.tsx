import { ActivityInputEditor } from "../designer/ActivityInputEditor";
import { useDesigner } from "../designer/DesignerStoreContext";
import { ExpressionPreview } from "../designer/ExpressionPreview";
import { describeReceivedInput } from "../designer/received-input";
import { NumberField, SelectField } from "../designer/fields";
import { formatDuration } from "../ui/format";
import { str, text, type NodeFormProps, type NodeKind } from "./kind";
import { RetryEditor } from "./RetryEditor";

function ActivityForm({ node, settings: s, set, activities, readOnly }: NodeFormProps) {
  const activity = activities.find((a) => a.name === s.activity);
  const receives = useDesigner((state) => describeReceivedInput(node.id, state.nodes, state.edges));
  const workflowId = useDesigner((state) => (typeof state.meta.id === "string" ? state.meta.id : undefined));
  return (
    <>
      <SelectField
        label="Activity"
        value={str(s.activity) ?? ""}
        onChange={(v) => set({ activity: v })}
        options={[
          ...(activity || !s.activity ? [] : [{ value: String(s.activity), label: `${String(s.activity)} (not in the catalog)` }]),
          ...activities.map((a) => ({ value: a.name, label: `${a.title} — ${a.name}` })),
        ]}
        hint={activity?.description}
      />
      <ActivityInputEditor
        key={String(s.activity)}
        activity={activity}
        value={str(s.input)}
        receives={receives}
        readOnly={readOnly}
        onChange={(v) => set({ input: v }, "input")}
      />
      {workflowId ? <ExpressionPreview workflowId={workflowId} expression={str(s.input)} /> : null}
      <RetryEditor value={s.retry} onChange={(retry) => set({ retry }, "retry")} />
      <NumberField
        label="Timeout per attempt (ms)"
        min={1}
        value={s.timeoutMs}
        onChange={(v) => set({ timeoutMs: v }, "timeoutMs")}
        hint={typeof s.timeoutMs === "number" ? formatDuration(s.timeoutMs) : "No timeout"}
      />
    </>
  );
}

export const activity: NodeKind = {
  type: "activity",
  title: "Activity",
  icon: { d: "M9.5 1L3 9h4.5L6.5 15 13 7H8.5z", fill: true },
  glyph: "⚙",
  color: "var(--node-activity)",
  group: "Flow",
  description: "Runs one catalog activity, with retries and a timeout.",
  outputs: ["next", "error"],
  input: true,
  defaults: { activity: "util.echo" },
  subtitle: (s) => text(s.activity) ?? "no activity chosen",
  runSubtitle: (s) => String(s.activity ?? ""),
  Form: ActivityForm,
};
