import { MemoryStore } from "@weft/engine/testing";
import type { Store } from "../workflow-store.js";
import { MemoryWorkflowTables } from "./memory-workflow-tables.js";

/**
 * A whole store in memory, as the server opens one: the engine's memory task hub with
 * the server's tables beside it. For tests of the server and of tools that need both.
 */
export class MemoryServerStore extends MemoryStore implements Store {
  readonly #tables = new MemoryWorkflowTables();

  saveWorkflowDraft: Store["saveWorkflowDraft"] = (draft, now) => this.#tables.saveWorkflowDraft(draft, now);
  getWorkflow: Store["getWorkflow"] = (workflowId) => this.#tables.getWorkflow(workflowId);
  listWorkflows: Store["listWorkflows"] = () => this.#tables.listWorkflows();
  publishWorkflowVersion: Store["publishWorkflowVersion"] = (workflowId, definition, now) =>
    this.#tables.publishWorkflowVersion(workflowId, definition, now);
  getWorkflowVersion: Store["getWorkflowVersion"] = (workflowId, version) => this.#tables.getWorkflowVersion(workflowId, version);
  deleteWorkflow: Store["deleteWorkflow"] = (workflowId) => this.#tables.deleteWorkflow(workflowId);
  claimOnce: Store["claimOnce"] = (key, expiresAt, now) => this.#tables.claimOnce(key, expiresAt, now);
  getValue: Store["getValue"] = (key) => this.#tables.getValue(key);
  setValue: Store["setValue"] = (key, value) => this.#tables.setValue(key, value);
  appendOutbox: Store["appendOutbox"] = (entry, now) => this.#tables.appendOutbox(entry, now);
  listOutbox: Store["listOutbox"] = (options) => this.#tables.listOutbox(options);
}

export function createMemoryServerStore(): MemoryServerStore {
  return new MemoryServerStore();
}
