import type { Clock } from "./clock.js";

/**
 * A dispatcher's sleep: ends on `notify()` or when its timeout passes on the
 * clock. A notify that arrives while nobody sleeps is remembered, so no
 * wake-up is ever lost between "found no work" and "went to sleep".
 */
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** A notification arrived while nobody slept: the next wait returns at once. */
  get pending(): boolean {
    return this.#pending;
  }

  notify(): void {
    if (this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve();
    } else {
      this.#pending = true;
    }
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const cancel = this.#clock.setTimer(() => {
        if (this.#resolve === done) this.#resolve = undefined;
        resolve();
      }, timeoutMs);
      const done = (): void => {
        cancel();
        resolve();
      };
      this.#resolve = done;
    });
  }
}
