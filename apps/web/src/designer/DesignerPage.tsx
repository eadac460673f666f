import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { workflowQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { EmptyState } from "../ui/EmptyState";
import { CodeWorkflowPage } from "../workflows/CodeWorkflowPage";
import { CompareView } from "./CompareView";
import { DesignerWorkspace } from "./DesignerWorkspace";
import { createDesignerStore } from "./store";
import "./designer.css";

/** `/workflows/:workflowId`: the draft (editable), `?version=N` (read-only), or `?compare=A..B`. */
export function DesignerPage() {
  const { workflowId = "" } = useParams();
  const [search] = useSearchParams();
  const version = Number(search.get("version")) || undefined;
  const compare = search.get("compare");
  if (compare) {
    const [from = "", to = ""] = compare.split("..");
    return <CompareView key={compare} workflowId={workflowId} from={from} to={to} />;
  }
  return version ? (
    <VersionLoader key={`${workflowId}@${version}`} workflowId={workflowId} version={version} />
  ) : (
    <DraftLoader key={workflowId} workflowId={workflowId} />
  );
}

function DraftLoader({ workflowId }: { workflowId: string }) {
  const client = useWeftClient();
  const detail = useQuery({ ...workflowQueries.detail(client, workflowId), staleTime: Infinity, meta: { silent: true } });
  const isCode = detail.data?.kind === "code";
  const draft = detail.data?.kind === "drawn" ? detail.data.draft : undefined;
  const loaded = detail.data !== undefined;
  // One store per opened draft: later cache updates (autosave) must not reset the canvas.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const store = useMemo(() => (draft ? createDesignerStore(draft) : undefined), [loaded]);
  const list = useQuery({ ...workflowQueries.list(client), enabled: isCode, meta: { silent: true } });
  if (detail.isError) return <LoadError workflowId={workflowId} message={detail.error.message} />;
  // A code-first orchestrator from weft.config: nothing to draw, a page that starts it.
  if (detail.data?.kind === "code")
    return <CodeWorkflowPage detail={detail.data} loadedAt={list.data?.find((w) => w.id === workflowId)?.updatedAt} />;
  if (!store || !detail.data) return <p className="page muted">Loading the workflow…</p>;
  return <DesignerWorkspace store={store} workflowId={workflowId} detail={detail.data} />;
}

function VersionLoader({ workflowId, version }: { workflowId: string; version: number }) {
  const client = useWeftClient();
  const detail = useQuery({ ...workflowQueries.detail(client, workflowId), meta: { silent: true } });
  const published = useQuery({ ...workflowQueries.version(client, workflowId, version), meta: { silent: true } });
  const store = useMemo(() => (published.data ? createDesignerStore(published.data, { readOnly: true }) : undefined), [published.data]);
  if (published.isError) return <LoadError workflowId={workflowId} message={published.error.message} />;
  if (!store || !detail.data) return <p className="page muted">Loading version {version}…</p>;
  return <DesignerWorkspace store={store} workflowId={workflowId} detail={detail.data} viewingVersion={version} />;
}

function LoadError({ workflowId, message }: { workflowId: string; message: string }) {
  return (
    <div className="page">
      <EmptyState
        title={`Workflow ${workflowId} could not be opened`}
        actions={
          <Link className="btn btn-primary" to="/">
            Back to workflows
          </Link>
        }
      >
        {message}
      </EmptyState>
    </div>
  );
}
