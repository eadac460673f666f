import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useReactFlow } from "@xyflow/react";
import { useCallback, useEffect } from "react";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useToast } from "../ui/toast";
import { FIT_PADDING, NODE_HEIGHT, NODE_WIDTH } from "./geometry";
import { autoLayout } from "./layout";
import type { WeftEdge, WeftNode } from "./mapping";
import type { DesignerStore } from "./store";

/** Below this zoom a node's label is too small to read: auto-layout does not fit a drawing smaller. */
const MIN_DESIGNER_ZOOM = 0.5;

/** The canvas's room for the drawing: what fitView leaves inside its padding (FIT_PADDING). */
function canvasRoom(): { width: number; height: number } | undefined {
  const pane = document.querySelector(".canvas")?.getBoundingClientRect();
  return pane && pane.height > 250 ? { width: pane.width - 100, height: pane.height - 190 } : undefined;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/** Auto-layout with the sizes React Flow measured, then a fit to the result. */
export function useAutoLayout(store: DesignerStore): () => Promise<void> {
  const flow = useReactFlow<WeftNode, WeftEdge>();
  return useCallback(async () => {
    const s = store.getState();
    const positions = await autoLayout(
      s.nodes.map((n) => {
        const internal = flow.getInternalNode(n.id);
        return internal?.measured.width ? { ...n, measured: { width: internal.measured.width, height: internal.measured.height ?? 0 } } : n;
      }),
      s.edges,
      { viewport: canvasRoom() },
    );
    store.getState().setPositions(positions);
    // Fitted, unless that would make it unreadable: then readable, from the start (top left).
    requestAnimationFrame(() => {
      const nodes = flow.getNodes().filter((n) => n.parentId === undefined);
      const pane = document.querySelector(".canvas")?.getBoundingClientRect();
      if (!pane || nodes.length === 0) return;
      const left = Math.min(...nodes.map((n) => n.position.x));
      const top = Math.min(...nodes.map((n) => n.position.y));
      const right = Math.max(...nodes.map((n) => n.position.x + (n.measured?.width ?? NODE_WIDTH)));
      const bottom = Math.max(...nodes.map((n) => n.position.y + (n.measured?.height ?? NODE_HEIGHT)));
      const fit = Math.min((pane.width - 100) / (right - left), (pane.height - 190) / (bottom - top));
      if (fit >= MIN_DESIGNER_ZOOM) void flow.fitView({ padding: FIT_PADDING, duration: 300, maxZoom: 1.1 });
      else
        void flow.setViewport(
          { x: 60 - left * MIN_DESIGNER_ZOOM, y: 40 - top * MIN_DESIGNER_ZOOM, zoom: MIN_DESIGNER_ZOOM },
          { duration: 300 },
        );
    });
  }, [flow, store]);
}

/** Publishes the draft once autosave has written it, and says so. */
export function usePublish(workflowId: string, flush: () => Promise<void>) {
  const client = useWeftClient();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await flush();
      return client.workflows.publish(workflowId);
    },
    onSuccess: async ({ version }) => {
      toast.show({
        tone: "success",
        title: `Published version ${version}`,
        description: "New runs start on it; running instances stay on theirs.",
      });
      await queryClient.invalidateQueries({ queryKey: queryKeys.workflow(workflowId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.workflows, exact: true });
    },
  });
}

/** Downloads the document as `<id>.json` (or `<id>-v<n>.json` for a published version). */
export function exportJson(store: DesignerStore, workflowId: string, viewingVersion: number | undefined): void {
  const definition = store.getState().toDefinition();
  const blob = new Blob([`${JSON.stringify(definition, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `${workflowId}${viewingVersion ? `-v${viewingVersion}` : ""}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The designer's keyboard shortcuts (see ShortcutsDialog); none while typing or while a dialog is open. */
export function useDesignerShortcuts(store: DesignerStore, layout: () => Promise<void>, openHelp: () => void): void {
  const flow = useReactFlow<WeftNode, WeftEdge>();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || document.querySelector("[role=dialog]")) return;
      const mod = e.ctrlKey || e.metaKey;
      const s = store.getState();
      const key = e.key.toLowerCase();
      if (mod && key === "z") {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (mod && key === "y") {
        e.preventDefault();
        s.redo();
      } else if (mod && key === "c") s.copySelection();
      else if (mod && key === "v") {
        e.preventDefault();
        s.paste();
      } else if (!mod && e.key === "?") openHelp();
      else if (!mod && e.shiftKey && key === "l" && !s.readOnly) void layout();
      else if (!mod && e.shiftKey && key === "f") void flow.fitView({ padding: FIT_PADDING, duration: 300 });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [flow, layout, store, openHelp]);
}
