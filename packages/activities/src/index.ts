export { defineActivity, describeActivities, toActivityFunctions } from "./define-activity.js";
export { createBuiltInActivities } from "./catalog.js";
export { createStoreOutbox } from "./outbox.js";
export { DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from "./http-request.js";
export { ActivityError, ActivityErrorCode, HttpStatusError, SimulatedFailureError } from "./errors.js";

export type { ActivityDefinition, ActivityDescription, ActivitySpec } from "./define-activity.js";
export type { BuiltInOptions } from "./catalog.js";
export type { ActivityOutbox } from "./outbox.js";
export type { HttpRequestInput, HttpRequestOptions, HttpRequestOutput } from "./http-request.js";
export type { JsonSchema, PlainIssue } from "./plain-issues.js";
