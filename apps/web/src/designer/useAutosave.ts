import { useQueryClient } from "@tanstack/react-query";
import { isApiError, type WorkflowDetail } from "@weft/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import type { DesignerStore } from "./store";

export type SaveState = { status: "saved" } | { status: "pending" } | { status: "saving" } | { status: "error"; message: string };

const DEBOUNCE_MS = 600;

/**
 * Saves the draft (PUT) a moment after the last edit. `flush()` saves now and resolves
 * once the server has the latest revision (Publish and Run call it first).
 */
export function useAutosave(store: DesignerStore, workflowId: string, enabled: boolean) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<SaveState>({ status: "saved" });
  const savedRevision = useRef(store.getState().revision);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef<Promise<void> | undefined>(undefined);

  const save = useCallback(async (): Promise<void> => {
    if (inFlight.current) await inFlight.current.catch(() => undefined);
    const { revision } = store.getState();
    if (revision === savedRevision.current) {
      setState({ status: "saved" });
      return;
    }
    const definition = store.getState().toDefinition();
    setState({ status: "saving" });
    const run = (async () => {
      try {
        const saved = await client.workflows.saveDraft(workflowId, definition);
        savedRevision.current = revision;
        queryClient.setQueryData<WorkflowDetail>(queryKeys.workflow(workflowId), (old) =>
          old?.kind === "drawn" ? { ...old, draft: saved.draft } : old,
        );
        void queryClient.invalidateQueries({ queryKey: queryKeys.workflows, exact: true });
        setState(store.getState().revision === revision ? { status: "saved" } : { status: "pending" });
      } catch (error) {
        setState({
          status: "error",
          message: isApiError(error) ? error.detail || error.title : error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    })();
    inFlight.current = run;
    try {
      await run;
    } finally {
      if (inFlight.current === run) inFlight.current = undefined;
    }
  }, [client, queryClient, store, workflowId]);

  useEffect(() => {
    if (!enabled) return;
    return store.subscribe((s, prev) => {
      if (s.revision === prev.revision || s.revision === savedRevision.current) return;
      setState((old) => (old.status === "saving" ? old : { status: "pending" }));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void save().catch(() => undefined), DEBOUNCE_MS);
    });
  }, [enabled, save, store]);

  // Leaving the page saves what is pending.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (enabled && store.getState().revision !== savedRevision.current) void save().catch(() => undefined);
    },
    [enabled, save, store],
  );

  // Closing the tab, reloading or going to another site runs no React cleanup: on pagehide
  // (and when the tab is hidden, the last moment a phone gives), send what is pending with a
  // keepalive request, which the browser finishes after the page is gone.
  useEffect(() => {
    if (!enabled) return;
    const sendNow = () => {
      const { revision } = store.getState();
      if (revision === savedRevision.current) return;
      clearTimeout(timer.current);
      const definition = store.getState().toDefinition();
      const body = JSON.stringify(definition);
      // keepalive bodies are limited to 64 KiB; a bigger draft goes as an ordinary request.
      const keepalive = new Blob([body]).size < 60_000;
      client.workflows
        .saveDraft(workflowId, definition, { keepalive })
        .then((saved) => {
          if (revision > savedRevision.current) savedRevision.current = revision;
          queryClient.setQueryData<WorkflowDetail>(queryKeys.workflow(workflowId), (old) =>
            old?.kind === "drawn" ? { ...old, draft: saved.draft } : old,
          );
          setState(store.getState().revision === revision ? { status: "saved" } : { status: "pending" });
        })
        .catch(() => undefined);
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") sendNow();
    };
    window.addEventListener("pagehide", sendNow);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("pagehide", sendNow);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [enabled, client, queryClient, store, workflowId]);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    await save();
  }, [save]);

  return { state, flush };
}
