// A definition arrives from the network, a file or the canvas. Before anything reads
// it, it is copied into fresh plain JSON: `__proto__` keys are dropped (assigning one
// would replace the copy's prototype), values JSON cannot hold are dropped as
// JSON.stringify would, and the copy is made without recursion, so neither a deeply
// nested nor a cyclic input can overflow the stack. Deeper than MAX_JSON_DEPTH is
// reported: nothing a workflow needs is nested that deep, and later consumers recurse.

export const MAX_JSON_DEPTH = 200;
export const MAX_JSON_VALUES = 2_000_000;

export type JsonPath = ReadonlyArray<string | number>;

export interface JsonCopyIssue {
  kind: "too-deep" | "too-large";
  path: JsonPath;
}

export interface JsonCopy {
  value: unknown;
  issues: JsonCopyIssue[];
}

interface PathLink {
  key: string | number;
  parent: PathLink | undefined;
}

interface Task {
  value: unknown;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  depth: number;
  path: PathLink | undefined;
}

const OMIT = Symbol("omit");

export function copyJson(input: unknown): JsonCopy {
  const issues: JsonCopyIssue[] = [];
  const root: Record<string, unknown> = {};
  const first = jsonValue(input);
  const stack: Task[] = [{ value: first === OMIT ? undefined : first, holder: root, key: "value", depth: 0, path: undefined }];
  let budget = MAX_JSON_VALUES;
  let reportedDepth = false;

  while (stack.length > 0) {
    const task = stack.pop() as Task;
    const holder = task.holder as Record<string | number, unknown>;
    const value = task.value;
    if (value === null || typeof value !== "object") {
      holder[task.key] = value;
      continue;
    }
    if (--budget < 0) {
      if (budget === -1) issues.push({ kind: "too-large", path: toPath(task.path) });
      holder[task.key] = null;
      continue;
    }
    if (task.depth >= MAX_JSON_DEPTH) {
      if (!reportedDepth) issues.push({ kind: "too-deep", path: toPath(task.path) });
      reportedDepth = true;
      holder[task.key] = null;
      continue;
    }
    if (Array.isArray(value)) {
      const copy: unknown[] = new Array<unknown>(value.length);
      holder[task.key] = copy;
      for (let index = value.length - 1; index >= 0; index--) {
        const element = jsonValue(value[index]);
        stack.push({
          value: element === OMIT ? null : element,
          holder: copy,
          key: index,
          depth: task.depth + 1,
          path: { key: index, parent: task.path },
        });
      }
      continue;
    }
    const copy: Record<string, unknown> = {};
    holder[task.key] = copy;
    const entries = Object.entries(value);
    // Insert keys now, in order, so the copy keeps the input's key order.
    const pending: Task[] = [];
    for (const [key, raw] of entries) {
      if (key === "__proto__") continue;
      const element = jsonValue(raw);
      if (element === OMIT) continue;
      copy[key] = null;
      pending.push({ value: element, holder: copy, key, depth: task.depth + 1, path: { key, parent: task.path } });
    }
    for (let index = pending.length - 1; index >= 0; index--) stack.push(pending[index] as Task);
  }
  return { value: root.value, issues };
}

// What JSON.stringify would make of a value, before looking inside it.
function jsonValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "undefined":
    case "function":
    case "symbol":
    case "bigint":
      return OMIT;
    default:
      break;
  }
  if (value === null) return null;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const converted: unknown = toJSON.call(value);
    return typeof converted === "object" && converted !== null ? converted : jsonValue(converted);
  }
  return value;
}

function toPath(link: PathLink | undefined): JsonPath {
  const path: Array<string | number> = [];
  for (let current = link; current !== undefined; current = current.parent) path.push(current.key);
  return path.reverse();
}
