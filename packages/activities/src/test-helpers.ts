import type { ActivityContext, ActivityFunction } from "@weft/engine";
import type { NewOutboxEntry } from "@weft/workflow-store";
import { createBuiltInActivities } from "./catalog.js";
import type { BuiltInOptions } from "./catalog.js";
import { toActivityFunctions } from "./define-activity.js";

let sequence = 0;

/** A fresh context per call (own instance id), as the worker would hand an attempt. */
export function testContext(overrides: Partial<ActivityContext> = {}): ActivityContext {
  sequence += 1;
  const instanceId = `test-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    instanceId,
    executionId: "e1",
    taskId: sequence,
    attempt: 1,
    name: "test",
    tags: undefined,
    idempotencyKey: `${instanceId}:e1:${sequence}`,
    signal: new AbortController().signal,
    heartbeat: () => {},
    log: { info: () => {}, warn: () => {}, error: () => {} },
    ...overrides,
  };
}

export interface RecordingOutbox {
  entries: NewOutboxEntry[];
  append(entry: NewOutboxEntry): Promise<unknown>;
}

export function recordingOutbox(): RecordingOutbox {
  const entries: NewOutboxEntry[] = [];
  return {
    entries,
    append: async (entry) => {
      entries.push(entry);
      return { id: entries.length };
    },
  };
}

/** The built-ins as the worker sees them, immediate by default. */
export function builtIns(options: Partial<BuiltInOptions> = {}): {
  functions: Record<string, ActivityFunction>;
  outbox: RecordingOutbox;
  call(name: string, input: unknown, context?: Partial<ActivityContext>): Promise<unknown>;
} {
  const outbox = recordingOutbox();
  const functions = toActivityFunctions(createBuiltInActivities({ outbox, demoTimeScale: 0, ...options }));
  return {
    functions,
    outbox,
    call: async (name, input, context) => {
      const fn = functions[name];
      if (fn === undefined) throw new Error(`no activity ${name}`);
      return fn(input, testContext(context));
    },
  };
}
