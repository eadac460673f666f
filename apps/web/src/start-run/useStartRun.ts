import { useMutation } from "@tanstack/react-query";
import type { JsonSchema } from "@weft/client";
import { useCallback, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useWeftClient } from "../api/WeftClientContext";
import { checkAgainstSchema } from "./schema-check";

export interface StartRunOptions {
  /** The workflow to start; empty while none is chosen. */
  workflowId: string;
  /** A published version; omitted, the server starts the latest (or a code-first orchestrator as loaded). */
  version?: number | undefined;
  /** The version's inputSchema: the input is checked against it as the person types. */
  schema?: JsonSchema | undefined;
  /** Called once the run has started, before its page opens (a dialog closes itself here). */
  onStarted?(): void;
}

export interface StartRun {
  /** The input as typed (JSON). */
  text: string;
  setText(text: string): void;
  /** Replaces the input with a value, pretty-printed (a sample, or `{}`). */
  reset(value: unknown): void;
  /** Why the input cannot be sent: not JSON, or not what the schema asks for. Empty when it can. */
  problems: string[];
  canStart: boolean;
  start(): void;
  isPending: boolean;
  /** The server's refusal of the last start, shown beside the input. */
  error: Error | null;
}

/** Parses the input as typed; an empty input means "no input". */
function parseInput(text: string, schema: JsonSchema | undefined): { input: unknown; problems: string[] } {
  if (text.trim() === "") return { input: undefined, problems: [] };
  try {
    const input = JSON.parse(text) as unknown;
    return { input, problems: checkAgainstSchema(input, schema) };
  } catch (error) {
    return { input: undefined, problems: [`The input is not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/**
 * Starting a run, the same from the designer's Run button, the Runs page's dialog and a code-first
 * workflow's page: a JSON input checked as it is typed, one start request, then the run's live page.
 */
export function useStartRun({ workflowId, version, schema, onStarted }: StartRunOptions): StartRun {
  const client = useWeftClient();
  const navigate = useNavigate();
  const [text, setText] = useState("{}");
  // Stable, so that a caller can reset the input from an effect.
  const reset = useCallback((value: unknown) => setText(JSON.stringify(value ?? {}, null, 2)), []);
  const { input, problems } = useMemo(() => parseInput(text, schema), [text, schema]);
  const mutation = useMutation({
    mutationFn: () =>
      client.workflows.start(workflowId, {
        ...(input === undefined ? {} : { input }),
        ...(version === undefined ? {} : { version }),
      }),
    // Shown beside the input, where the person can fix it, rather than as a toast.
    meta: { silent: true },
    onSuccess: (started) => {
      onStarted?.();
      void navigate(`/runs/${encodeURIComponent(started.instanceId)}`);
    },
  });
  return {
    text,
    setText,
    reset,
    problems,
    canStart: workflowId !== "" && problems.length === 0 && !mutation.isPending,
    start: () => mutation.mutate(),
    isPending: mutation.isPending,
    error: mutation.error,
  };
}
