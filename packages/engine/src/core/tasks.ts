/**
 * Tasks are what orchestrators yield. A task settles once, from a history event
 * (or from other tasks, for all/any/retry); the executor resumes the
 * orchestrator when the task it yielded has settled.
 */

type Listener = () => void;

export abstract class Task<T = unknown> {
  #state: "pending" | "completed" | "failed" = "pending";
  #result: T | undefined;
  #error: Error | undefined;
  #listeners: Listener[] = [];

  get isDone(): boolean {
    return this.#state !== "pending";
  }
  get isCompleted(): boolean {
    return this.#state === "completed";
  }
  get isFailed(): boolean {
    return this.#state === "failed";
  }
  /** The value, once completed. */
  get result(): T | undefined {
    return this.#result;
  }
  /** The error, once failed. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** @internal */
  settleWith(result: T): void {
    if (this.#state !== "pending") return;
    this.#state = "completed";
    this.#result = result;
    this.#notify();
  }

  /** @internal */
  failWith(error: Error): void {
    if (this.#state !== "pending") return;
    this.#state = "failed";
    this.#error = error;
    this.#notify();
  }

  /** @internal Runs `listener` once the task settles (at once if it has). */
  whenDone(listener: Listener): void {
    if (this.isDone) listener();
    else this.#listeners.push(listener);
  }

  #notify(): void {
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}

/** A task answered by one history event: an activity attempt, a timer, a sub-orchestration. */
export class AtomicTask<T = unknown> extends Task<T> {
  constructor(readonly id: number) {
    super();
  }
}

/** Settled by the first matching EventRaised, or failed by its timeout. */
export class EventTask<T = unknown> extends Task<T> {
  constructor(
    readonly eventName: string,
    readonly since: number,
    readonly timeoutAt: number | undefined,
  ) {
    super();
  }
}

/** A task that stands for a chain of attempts; settled by the driving code. */
export class DeferredTask<T = unknown> extends Task<T> {}

/** Completes with every result in order; fails with the first failure. */
export class WhenAllTask<T> extends Task<T[]> {
  constructor(readonly children: readonly Task<T>[]) {
    super();
    let remaining = children.length;
    if (remaining === 0) {
      this.settleWith([]);
      return;
    }
    for (const child of children) {
      child.whenDone(() => {
        if (child.isFailed) {
          this.failWith(child.error ?? new Error("A task failed"));
          return;
        }
        remaining -= 1;
        if (remaining === 0) this.settleWith(children.map((c) => c.result as T));
      });
    }
  }
}

/** Completes with the first child to settle (completed or failed): inspect it. */
export class WhenAnyTask<T> extends Task<Task<T>> {
  constructor(readonly children: readonly Task<T>[]) {
    super();
    for (const child of children) child.whenDone(() => this.settleWith(child));
  }
}
