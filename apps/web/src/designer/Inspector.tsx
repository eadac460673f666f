import { useQuery } from "@tanstack/react-query";
import type { ActivityInfo } from "@weft/client";
import type { Problem } from "@weft/definition";
import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { ActivityInputEditor } from "./ActivityInputEditor";
import { useDesigner, useDesignerStore } from "./DesignerStoreContext";
import { CheckField, NumberField, SelectField, TextField } from "./fields";
import type { WeftEdge, WeftNode } from "./mapping";
import { formatDuration, kindOf } from "./node-kinds";
import { NodeIcon } from "./NodeIcon";

export interface InspectorProps {
  activities: readonly ActivityInfo[];
  problems: readonly Problem[];
}

/** The form for the selected node or edge, or the workflow's own settings when nothing is selected. */
export function Inspector({ activities, problems }: InspectorProps) {
  const selectedNodes = useDesigner(useShallow((s) => s.nodes.filter((n) => n.selected)));
  const selectedEdges = useDesigner(useShallow((s) => s.edges.filter((e) => e.selected)));
  const readOnly = useDesigner((s) => s.readOnly);
  const node = selectedNodes.length === 1 && selectedEdges.length <= 1 ? selectedNodes[0] : undefined;
  const edge = selectedNodes.length === 0 && selectedEdges.length === 1 ? selectedEdges[0] : undefined;

  let body;
  if (node) body = <NodeForm key={node.id} node={node} activities={activities} problems={problems.filter((p) => p.nodeId === node.id)} />;
  else if (edge) body = <EdgeForm key={edge.id} edge={edge} problems={problems.filter((p) => p.edgeId === edge.id)} />;
  else if (selectedNodes.length + selectedEdges.length > 1)
    body = (
      <div className="inspector-section">
        <h2>{selectedNodes.length + selectedEdges.length} items selected</h2>
        <p className="muted">Copy with Ctrl+C, paste with Ctrl+V, delete with Delete. Select one node to edit it.</p>
      </div>
    );
  else body = <DocumentForm />;

  return (
    <aside className="inspector" aria-label="Inspector">
      <fieldset className="inspector-fieldset" disabled={readOnly}>
        {body}
      </fieldset>
    </aside>
  );
}

function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (!problems.length) return null;
  return (
    <ul className="inspector-problems" aria-label="Problems here">
      {problems.map((p, i) => (
        <li key={i} className={p.severity === "error" ? "problem-error" : "problem-warning"}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

function NodeForm({ node, activities, problems }: { node: WeftNode; activities: readonly ActivityInfo[]; problems: readonly Problem[] }) {
  const store = useDesignerStore();
  const readOnly = useDesigner((s) => s.readOnly);
  const kind = kindOf(node.type ?? "");
  const s = node.data.settings;
  const set = (patch: Record<string, unknown>, key?: string) => store.getState().updateNode(node.id, patch, key);
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const activity = activities.find((a) => a.name === s.activity);

  return (
    <div className="inspector-section">
      <h2>
        <span className="inspector-kind" style={{ background: kind.color }} aria-hidden="true">
          <NodeIcon type={kind.type} size={14} />
        </span>
        {kind.title}
      </h2>
      <p className="muted inspector-id">
        Id <code>{node.id}</code>
        {node.parentId ? (
          <>
            {" "}
            · inside map <code>{node.parentId}</code>
          </>
        ) : null}
      </p>
      <ProblemList problems={problems} />
      <TextField
        label="Label"
        value={str(s.label)}
        placeholder={kind.title}
        onChange={(v) => set({ label: v === "" ? undefined : v }, "label")}
      />

      {node.type === "activity" ? (
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
            readOnly={readOnly}
            onChange={(v) => set({ input: v }, "input")}
          />
          <RetryEditor value={s.retry} onChange={(retry) => set({ retry }, "retry")} />
          <NumberField
            label="Timeout per attempt (ms)"
            min={1}
            value={s.timeoutMs}
            onChange={(v) => set({ timeoutMs: v }, "timeoutMs")}
            hint={typeof s.timeoutMs === "number" ? formatDuration(s.timeoutMs) : "No timeout"}
          />
        </>
      ) : null}

      {node.type === "subWorkflow" ? (
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
      ) : null}

      {node.type === "waitForEvent" ? <WaitForm settings={s} set={set} /> : null}

      {node.type === "delay" ? (
        <>
          <NumberField
            label="Duration (ms)"
            min={1}
            value={s.durationMs}
            onChange={(v) => set({ durationMs: v }, "durationMs")}
            hint={typeof s.durationMs === "number" ? formatDuration(s.durationMs) : "Or wait until a time:"}
          />
          <TextField
            label="Until (expression giving an ISO time)"
            code
            value={str(s.until)}
            placeholder="e.g. input.sendAt"
            onChange={(v) => set({ until: v === "" ? undefined : v }, "until")}
          />
        </>
      ) : null}

      {node.type === "map" ? (
        <>
          <TextField
            label="Items (expression giving an array)"
            code
            value={str(s.items)}
            onChange={(v) => set({ items: v }, "items")}
            hint="Inside the body, item and index are in scope."
          />
          <NumberField
            label="Max concurrency"
            min={1}
            value={s.maxConcurrency}
            onChange={(v) => set({ maxConcurrency: v }, "maxConcurrency")}
            hint="Items running at once (default 10)."
          />
        </>
      ) : null}

      {node.type === "join" ? (
        <SelectField
          label="Join mode"
          value={str(s.mode) ?? "all"}
          onChange={(v) => set({ mode: v })}
          options={[
            { value: "all", label: "All branches" },
            { value: "any", label: "The first branch" },
          ]}
        />
      ) : null}

      {node.type === "choice" ? <ChoiceEdges nodeId={node.id} /> : null}
      {node.type === "transform" ? <AssignEditor value={s.assign} onChange={(assign) => set({ assign }, "assign")} /> : null}
      {node.type === "setStatus" ? (
        <TextField
          label="Status expression"
          code
          value={str(s.status)}
          onChange={(v) => set({ status: v }, "status")}
          hint='e.g. "Waiting for approval"'
        />
      ) : null}
      {node.type === "end" ? (
        <TextField
          label="Output expression"
          code
          multiline
          value={str(s.output)}
          placeholder="Default: the previous node's output"
          onChange={(v) => set({ output: v === "" ? undefined : v }, "output")}
        />
      ) : null}
      {node.type === "fail" ? (
        <>
          <TextField
            label="Error code"
            value={str(s.error)}
            onChange={(v) => set({ error: v === "" ? undefined : v }, "error")}
            hint='e.g. "OrderRejected"'
          />
          <TextField
            label="Message expression"
            code
            value={str(s.message)}
            onChange={(v) => set({ message: v === "" ? undefined : v }, "message")}
          />
        </>
      ) : null}
      {node.type === "start" ? (
        <p className="muted">
          The start node&apos;s output is the instance input. Set the input schema on the workflow (click the empty canvas).
        </p>
      ) : null}
    </div>
  );
}

export function RetryEditor({ value, onChange }: { value: unknown; onChange(value: Record<string, unknown> | undefined): void }) {
  const retry = value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  const set = (key: string, v: number | undefined) => {
    const next = { ...retry, [key]: v };
    if (v === undefined) delete next[key];
    onChange(next);
  };
  return (
    <fieldset className="subform">
      <legend>Retry policy</legend>
      <CheckField label="Retry on failure" checked={retry !== undefined} onChange={(on) => onChange(on ? { maxAttempts: 3 } : undefined)} />
      {retry ? (
        <div className="grid-2">
          <NumberField
            label="Max attempts"
            min={1}
            value={retry.maxAttempts}
            onChange={(v) => set("maxAttempts", v)}
            hint="Counts the first attempt."
          />
          <NumberField
            label="First interval (ms)"
            min={1}
            value={retry.firstIntervalMs}
            onChange={(v) => set("firstIntervalMs", v)}
            hint="Default 1000"
          />
          <NumberField
            label="Backoff coefficient"
            min={1}
            step={0.1}
            value={retry.backoffCoefficient}
            onChange={(v) => set("backoffCoefficient", v)}
            hint="Default 2"
          />
          <NumberField
            label="Max interval (ms)"
            min={1}
            value={retry.maxIntervalMs}
            onChange={(v) => set("maxIntervalMs", v)}
            hint="Default: no cap"
          />
          <NumberField
            label="Total timeout (ms)"
            min={1}
            value={retry.totalTimeoutMs}
            onChange={(v) => set("totalTimeoutMs", v)}
            hint="Stop retrying after this long"
          />
        </div>
      ) : null}
    </fieldset>
  );
}

export function WaitForm({
  settings: s,
  set,
}: {
  settings: Record<string, unknown>;
  set(patch: Record<string, unknown>, key?: string): void;
}) {
  const approval = s.approval as { title?: string; choices?: string[] } | undefined;
  const [choicesText, setChoicesText] = useState((approval?.choices ?? ["Approved", "Rejected"]).join(", "));
  return (
    <>
      <TextField
        label="Event name"
        value={typeof s.event === "string" ? s.event : ""}
        onChange={(v) => set({ event: v }, "event")}
        hint="POST /api/instances/<id>/events/<name> raises it."
      />
      <NumberField
        label="Timeout (ms)"
        min={1}
        value={s.timeoutMs}
        onChange={(v) => set({ timeoutMs: v }, "timeoutMs")}
        hint={
          typeof s.timeoutMs === "number" ? `${formatDuration(s.timeoutMs)}; connect the On timeout handle to handle it` : "Waits forever"
        }
      />
      <fieldset className="subform">
        <legend>Approval</legend>
        <CheckField
          label="Ask a person to approve"
          checked={approval !== undefined}
          onChange={(on) => set({ approval: on ? { title: "Approve", choices: ["Approved", "Rejected"] } : undefined })}
        />
        {approval ? (
          <>
            <TextField
              label="Approval title"
              value={approval.title}
              onChange={(v) => set({ approval: { ...approval, title: v } }, "approvalTitle")}
            />
            <TextField
              label="Choices (comma-separated)"
              value={choicesText}
              onChange={(v) => {
                setChoicesText(v);
                set(
                  {
                    approval: {
                      ...approval,
                      choices: v
                        .split(",")
                        .map((c) => c.trim())
                        .filter(Boolean),
                    },
                  },
                  "approvalChoices",
                );
              }}
              hint="Each becomes a button in Approvals; the payload is {decision}."
            />
          </>
        ) : null}
      </fieldset>
    </>
  );
}

function ChoiceEdges({ nodeId }: { nodeId: string }) {
  const edges = useDesigner(useShallow((s) => s.edges.filter((e) => e.source === nodeId)));
  const nodes = useDesigner((s) => s.nodes);
  const store = useDesignerStore();
  if (!edges.length)
    return <p className="muted">Connect this node&apos;s Next handle to each branch; then give each branch a condition here.</p>;
  return (
    <fieldset className="subform">
      <legend>Branches, tried in order</legend>
      {edges.map((edge) => {
        const target = nodes.find((n) => n.id === edge.target);
        const name = (target?.data.settings.label as string | undefined) ?? edge.target;
        const s = edge.data?.settings ?? {};
        return (
          <div key={edge.id} className="branch">
            <TextField
              label={`Condition to ${name}`}
              code
              value={typeof s.condition === "string" ? s.condition : ""}
              placeholder={s.default ? "(default branch)" : 'e.g. steps.approve.decision = "Approved"'}
              readOnly={s.default === true}
              onChange={(v) => store.getState().updateEdge(edge.id, { condition: v === "" ? undefined : v }, "condition")}
            />
            <CheckField
              label={`Default branch (${name})`}
              checked={s.default === true}
              onChange={(on) =>
                store.getState().updateEdge(edge.id, { default: on ? true : undefined, condition: on ? undefined : s.condition })
              }
            />
          </div>
        );
      })}
    </fieldset>
  );
}

function AssignEditor({ value, onChange }: { value: unknown; onChange(value: Record<string, string>): void }) {
  const assign = (value && typeof value === "object" ? value : {}) as Record<string, string>;
  const entries = Object.entries(assign);
  const [newName, setNewName] = useState("");
  return (
    <fieldset className="subform">
      <legend>Variables</legend>
      {entries.length === 0 ? <p className="field-hint">No variables yet: add one below; it becomes vars.&lt;name&gt;.</p> : null}
      {entries.map(([name, expression]) => (
        <div key={name} className="field-row">
          <TextField label={`vars.${name}`} code value={expression} onChange={(v) => onChange({ ...assign, [name]: v })} />
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Remove variable ${name}`}
            onClick={() => {
              const next = { ...assign };
              delete next[name];
              onChange(next);
            }}
          >
            ✕
          </button>
        </div>
      ))}
      <div className="field-row">
        <TextField label="New variable name" value={newName} onChange={setNewName} />
        <button
          type="button"
          className="btn btn-sm"
          disabled={!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || newName in assign}
          onClick={() => {
            onChange({ ...assign, [newName]: "null" });
            setNewName("");
          }}
        >
          Add variable
        </button>
      </div>
    </fieldset>
  );
}

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
          ...(detail.data?.versions ?? []).map((v) => ({
            value: String(v.version),
            label: `v${v.version} — ${new Date(v.publishedAt).toLocaleString()}`,
          })),
          ...(typeof version === "number" && !(detail.data?.versions ?? []).some((v) => v.version === version)
            ? [{ value: String(version), label: `v${version}` }]
            : []),
        ]}
      />
    </>
  );
}

function EdgeForm({ edge, problems }: { edge: WeftEdge; problems: readonly Problem[] }) {
  const store = useDesignerStore();
  const source = useDesigner((s) => s.nodes.find((n) => n.id === edge.source));
  const s = edge.data?.settings ?? {};
  const set = (patch: Record<string, unknown>, key?: string) => store.getState().updateEdge(edge.id, patch, key);
  const kind = s.kind === "error" || s.kind === "timeout" ? s.kind : "next";
  return (
    <div className="inspector-section">
      <h2>Edge</h2>
      <p className="muted inspector-id">
        <code>{edge.source}</code> → <code>{edge.target}</code>
      </p>
      <ProblemList problems={problems} />
      <SelectField
        label="Kind"
        value={kind}
        onChange={(v) => set({ kind: v === "next" ? undefined : v })}
        options={[
          { value: "next", label: "Next" },
          { value: "error", label: "On error" },
          { value: "timeout", label: "On timeout" },
        ]}
      />
      {source?.type === "choice" ? (
        <>
          <TextField
            label="Condition"
            code
            value={typeof s.condition === "string" ? s.condition : ""}
            readOnly={s.default === true}
            placeholder='e.g. steps.approve.decision = "Approved"'
            onChange={(v) => set({ condition: v === "" ? undefined : v }, "condition")}
          />
          <CheckField
            label="Default branch"
            checked={s.default === true}
            onChange={(on) => set({ default: on ? true : undefined, condition: on ? undefined : s.condition })}
          />
        </>
      ) : null}
      <TextField
        label="Edge label"
        value={typeof s.label === "string" ? s.label : ""}
        onChange={(v) => set({ label: v === "" ? undefined : v }, "label")}
      />
    </div>
  );
}

function DocumentForm() {
  const store = useDesignerStore();
  const meta = useDesigner((s) => s.meta);
  const set = (patch: Record<string, unknown>, key?: string) => store.getState().updateMeta(patch, key);
  const trigger = (meta.trigger ?? { type: "manual" }) as { type: string; path?: string; secret?: string; cron?: string; input?: unknown };
  const [schemaText, setSchemaText] = useState(meta.inputSchema ? JSON.stringify(meta.inputSchema, null, 2) : "");
  const [schemaError, setSchemaError] = useState<string | undefined>();
  return (
    <div className="inspector-section">
      <h2>Workflow</h2>
      <p className="muted inspector-id">
        Id <code>{String(meta.id)}</code> · select a node or an edge to edit it.
      </p>
      <TextField label="Name" value={typeof meta.name === "string" ? meta.name : ""} onChange={(v) => set({ name: v }, "name")} />
      <TextField
        label="Description"
        multiline
        value={typeof meta.description === "string" ? meta.description : ""}
        onChange={(v) => set({ description: v === "" ? undefined : v }, "description")}
      />
      <SelectField
        label="Trigger"
        value={trigger.type}
        onChange={(type) =>
          set({
            trigger:
              type === "webhook" ? { type, path: String(meta.id) } : type === "schedule" ? { type, cron: "0 * * * *" } : { type: "manual" },
          })
        }
        options={[
          { value: "manual", label: "Manual (API, Run button)" },
          { value: "webhook", label: "Webhook" },
          { value: "schedule", label: "Schedule (cron)" },
        ]}
      />
      {trigger.type === "webhook" ? (
        <>
          <TextField
            label="Webhook path"
            value={trigger.path}
            onChange={(v) => set({ trigger: { ...trigger, path: v } }, "trigger")}
            hint={`POST /api/hooks/${trigger.path ?? ""}`}
          />
          <TextField
            label="Webhook secret"
            value={trigger.secret}
            onChange={(v) => set({ trigger: { ...trigger, secret: v === "" ? undefined : v } }, "trigger")}
            hint="When set, requests must be signed (HMAC-SHA256)."
          />
        </>
      ) : null}
      {trigger.type === "schedule" ? (
        <TextField
          label="Cron"
          code
          value={trigger.cron}
          onChange={(v) => set({ trigger: { ...trigger, cron: v } }, "trigger")}
          hint='Five fields, e.g. "*/5 * * * *"'
        />
      ) : null}
      <TextField
        label="Input schema (JSON Schema)"
        code
        multiline
        value={schemaText}
        invalid={!!schemaError}
        placeholder='{ "type": "object", "required": ["orderId"] }'
        hint={schemaError ?? "Runs whose input does not conform are refused."}
        onChange={(text) => {
          setSchemaText(text);
          if (text.trim() === "") {
            setSchemaError(undefined);
            set({ inputSchema: undefined }, "inputSchema");
            return;
          }
          try {
            const parsed = JSON.parse(text) as unknown;
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("must be a JSON object");
            setSchemaError(undefined);
            set({ inputSchema: parsed }, "inputSchema");
          } catch (error) {
            setSchemaError(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
          }
        }}
      />
    </div>
  );
}
