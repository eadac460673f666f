import type { Store } from "@weft/workflow-store";
import { Cron } from "croner";
import type { Logger } from "pino";
import type { WorkflowService } from "./workflows.js";

const CHECK_EVERY_MS = 1000;

interface ScheduledWorkflow {
  workflowId: string;
  cron: Cron;
  input: unknown;
}

/**
 * Fires schedule triggers. Each tick is claimed once in the store (so two
 * processes, or a restart, never fire it twice), and the last fired tick is
 * kept in the store (so a tick missed while the server was down — for less than
 * one interval — fires on restart instead of being skipped). After a longer
 * downtime only the latest missed tick fires: a backlog of old ticks is noise.
 */
export class Scheduler {
  readonly #store: Store;
  readonly #workflows: WorkflowService;
  readonly #logger: Logger;
  #schedules: ScheduledWorkflow[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #ticking: Promise<void> | undefined;

  constructor(options: { store: Store; workflows: WorkflowService; logger: Logger }) {
    this.#store = options.store;
    this.#workflows = options.workflows;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    this.#running = true;
    await this.reload();
    this.#loop();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#ticking;
  }

  /** Re-reads every workflow's latest published trigger (call after a publish). */
  async reload(): Promise<void> {
    const schedules: ScheduledWorkflow[] = [];
    for (const { workflowId, trigger } of await this.#workflows.publishedTriggers()) {
      if (trigger.type !== "schedule" || !trigger.cron) continue;
      try {
        schedules.push({ workflowId, cron: new Cron(trigger.cron, { paused: true, timezone: "UTC" }), input: trigger.input ?? null });
      } catch (error) {
        this.#logger.warn({ workflowId, cron: trigger.cron, err: error }, "schedule trigger has an unusable cron expression");
      }
    }
    this.#schedules = schedules;
  }

  /** Fires whatever is due at `now`; exposed for tests. */
  async tick(now = Date.now()): Promise<void> {
    for (const schedule of this.#schedules) {
      try {
        await this.#fireDue(schedule, now);
      } catch (error) {
        this.#logger.error({ workflowId: schedule.workflowId, err: error }, "schedule trigger failed to start an instance");
      }
    }
  }

  async #fireDue(schedule: ScheduledWorkflow, now: number): Promise<void> {
    const key = `schedule:${schedule.workflowId}:last`;
    const last = await this.#store.getValue(key);
    if (last === undefined) {
      // First sight of this schedule: start counting from now, fire nothing retroactively.
      await this.#store.setValue(key, new Date(now).toISOString());
      return;
    }
    let due: Date | undefined;
    for (let next = schedule.cron.nextRun(new Date(last)); next && next.getTime() <= now; next = schedule.cron.nextRun(next)) {
      due = next;
    }
    if (!due) return;
    const tick = due.toISOString();
    await this.#store.setValue(key, tick);
    const fresh = await this.#store.claimOnce(`schedule:${schedule.workflowId}:${tick}`, due.getTime() + 7 * 24 * 3600 * 1000, now);
    if (!fresh) return;
    const started = await this.#workflows.start(schedule.workflowId, { input: schedule.input });
    this.#logger.info({ instanceId: started.instanceId, workflowId: schedule.workflowId, tick }, "schedule trigger started an instance");
  }

  #loop(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.tick().finally(() => this.#loop());
    }, CHECK_EVERY_MS);
    this.#timer.unref?.();
  }
}
