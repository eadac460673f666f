import type { WorkflowVersionInfo } from "@weft/client";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { Dialog } from "../ui/Dialog";
import { SelectField } from "./fields";

/** Published versions: open one read-only, or compare two (or one with the draft) side by side. */
export function VersionsDialog({
  open,
  onOpenChange,
  workflowId,
  versions,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  workflowId: string;
  versions: readonly WorkflowVersionInfo[];
}) {
  const navigate = useNavigate();
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const options = [
    { value: "draft", label: "The draft" },
    ...sorted.map((v) => ({ value: String(v.version), label: `Version ${v.version}` })),
  ];
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("draft");
  useEffect(() => {
    if (!open) return;
    // Default: the two latest versions, or the latest against the draft.
    setFrom(sorted[1] ? String(sorted[1].version) : sorted[0] ? String(sorted[0].version) : "draft");
    setTo(sorted[1] ? String(sorted[0]!.version) : "draft");
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const base = `/workflows/${encodeURIComponent(workflowId)}`;
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Version history"
      description="Published versions never change; a running instance stays on its version."
      wide
    >
      {sorted.length === 0 ? (
        <p className="muted">Nothing is published yet. Publish the draft to create version 1.</p>
      ) : (
        <table className="table versions-table" aria-label="Published versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Published</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>{new Date(v.publishedAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => {
                      onOpenChange(false);
                      void navigate(`${base}?version=${v.version}`);
                    }}
                  >
                    Open version {v.version}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <fieldset className="subform compare-form">
        <legend>Compare side by side</legend>
        <div className="grid-2">
          <SelectField label="Compare from" value={from} onChange={setFrom} options={options} />
          <SelectField label="Compare to" value={to} onChange={setTo} options={options} />
        </div>
        <button
          type="button"
          className="btn btn-primary"
          disabled={from === to || sorted.length === 0}
          onClick={() => {
            onOpenChange(false);
            void navigate(`${base}?compare=${from}..${to}`);
          }}
        >
          Compare
        </button>
      </fieldset>
    </Dialog>
  );
}
