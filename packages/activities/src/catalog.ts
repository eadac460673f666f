import type { ActivityDefinition } from "./define-activity.js";
import { createHttpRequestActivity } from "./http-request.js";
import type { HttpRequestOptions } from "./http-request.js";
import { createNotifySendActivity } from "./notify.js";
import { createOrderActivities } from "./order.js";
import type { ActivityOutbox } from "./outbox.js";
import { createUtilActivities } from "./util.js";
import { createVideoActivities } from "./video.js";

export interface BuiltInOptions {
  /** Where notify.send and the order emails go; `createStoreOutbox(store)` writes to the store's. */
  outbox: ActivityOutbox;
  /** Multiplies every demo step's duration; 0 makes them immediate (tests). Default 1. */
  demoTimeScale?: number;
  http?: HttpRequestOptions;
  /** In [0, 1); decides the demo steps' simulated failures. Default `Math.random`. */
  random?: () => number;
}

/**
 * The guaranteed catalog (DEFINITION.md): util.*, http.request, notify.send and the
 * video and order demo steps.
 *
 * @example
 * const activities = createBuiltInActivities({ outbox: createStoreOutbox(store) });
 * const worker = createWorker({ store, activities: toActivityFunctions(activities) });
 */
export function createBuiltInActivities(options: BuiltInOptions): ActivityDefinition[] {
  return [
    ...createUtilActivities(),
    createHttpRequestActivity(options.http),
    createNotifySendActivity(options.outbox),
    ...createVideoActivities(options),
    ...createOrderActivities(options),
  ];
}
