import type { HistoryEvent as EngineHistoryEvent, FailureDetails as EngineFailure } from "@weft/engine";
import type { Problem } from "@weft/definition";
import type { z } from "zod";
import type { failureSchema } from "./failure.js";
import type { historyEventSchema } from "./instances.js";
import type { definitionProblemSchema } from "./problem.js";

/**
 * Compile-time checks that the wire shapes and the engine's and definition's own types
 * agree both ways: a field added to one and not the other fails the build, not a user.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assignable<From, To> = [From] extends [To] ? true : false;

type WireEvent = z.infer<typeof historyEventSchema>;
type WireFailure = z.infer<typeof failureSchema>;

// A wire event is an engine event without stack traces: the browser replays it through the same code.
export const wireEventsAreEngineEvents: Assignable<WireEvent, EngineHistoryEvent> = true;
export const eventsHaveTheSameFields: Same<keyof EngineHistoryEvent, keyof WireEvent> = true;
export const failuresMatchWithoutStacks: Same<
  Required<Omit<EngineFailure, "stack" | "cause">>,
  Required<Omit<WireFailure, "cause">>
> = true;
export const problemsMatch: Same<Problem, z.infer<typeof definitionProblemSchema>> = true;
