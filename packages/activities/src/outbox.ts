import type { NewOutboxEntry, Store } from "@weft/workflow-store";

/** Where notify.send and the order demo's emails go (the UI lists it). */
export interface ActivityOutbox {
  append(entry: NewOutboxEntry): Promise<unknown>;
}

/**
 * An {@link ActivityOutbox} that writes to a store's outbox.
 *
 * @example
 * createBuiltInActivities({ outbox: createStoreOutbox(store) });
 */
export function createStoreOutbox(store: Pick<Store, "appendOutbox">, now: () => number = Date.now): ActivityOutbox {
  return { append: (entry) => store.appendOutbox(entry, now()) };
}
