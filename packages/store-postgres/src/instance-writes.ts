import {
  INSTANCE_STATUSES,
  isTerminal,
  type CreateOutcome,
  type EnqueueResult,
  type InstanceStatus,
  type MessageToEnqueue,
  type NewInstance,
} from "@weft/engine";
import type { PlannedWrite, Statement } from "./connection.js";
import { nowMs } from "./rows.js";
import { instanceColumns, messageColumns } from "./writes.js";

/**
 * Starts and messages, as pipelined writes (see Database.write): the statements of
 * one operation go out together, and the results are read after the commit.
 */

const TERMINAL_STATUSES = INSTANCE_STATUSES.filter(isTerminal);

/**
 * createInstances as three statements of one transaction:
 *
 * 1. Lock the rows of the ids that exist (FOR UPDATE, id order). FOR UPDATE waits for
 *    whoever is adding a message to them (FOR KEY SHARE) and keeps new ones out.
 * 2. Delete the terminal ones with their history, inbox and tasks — a later statement,
 *    so its snapshot includes the messages committed while (1) waited.
 * 3. Insert the instances whose id is free (ON CONFLICT DO NOTHING: a concurrent start
 *    of the same id wins) with their ExecutionStarted, and read back the status of
 *    the ids that were not free.
 *
 * An id given twice: the first is created (or found live), the others report it.
 */
export function planCreateInstances(s: string, inits: readonly NewInstance[], now: number): PlannedWrite<CreateOutcome[]> {
  const firstOf = new Map<string, number>();
  const unique: NewInstance[] = [];
  const slot = inits.map((init) => {
    const known = firstOf.get(init.instanceId);
    if (known !== undefined) return { index: known, repeated: true };
    firstOf.set(init.instanceId, unique.length);
    unique.push(init);
    return { index: unique.length - 1, repeated: false };
  });
  const ids = unique.map((init) => init.instanceId);
  const statements: Statement[] = [
    {
      text: `SELECT 1 FROM ${s}.instances WHERE instance_id = ANY($1::text[]) ORDER BY instance_id FOR UPDATE`,
      values: [ids],
      prepared: true,
    },
    {
      text: `WITH gone AS (
               DELETE FROM ${s}.instances WHERE instance_id = ANY($1::text[]) AND status = ANY($2::text[]) RETURNING instance_id
             ), h AS (DELETE FROM ${s}.history WHERE instance_id IN (SELECT instance_id FROM gone)),
                m AS (DELETE FROM ${s}.inbox WHERE instance_id IN (SELECT instance_id FROM gone)),
                t AS (DELETE FROM ${s}.activity_tasks WHERE instance_id IN (SELECT instance_id FROM gone))
             SELECT count(*)::integer AS replaced FROM gone`,
      values: [ids, TERMINAL_STATUSES],
      prepared: true,
    },
    {
      text: `WITH input AS (
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::bigint[])
                 WITH ORDINALITY AS c(instance_id, name, execution_id, input, parent_instance_id, parent_task_id, tags, start_event, visible_at, ord)
             ), created AS (
               INSERT INTO ${s}.instances (instance_id, name, execution_id, status, input, created_at, updated_at,
                                           parent_instance_id, parent_task_id, tags, last_seq, pending_waits)
               SELECT instance_id, name, execution_id, 'pending', input, $10, $10, parent_instance_id, parent_task_id, tags, 0, '[]'
                 FROM input ORDER BY ord
               ON CONFLICT (instance_id) DO NOTHING
               RETURNING instance_id
             ), started AS (
               INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
               SELECT instance_id, execution_id, 'ExecutionStarted', start_event, visible_at
                 FROM input WHERE instance_id IN (SELECT instance_id FROM created) ORDER BY ord
             )
             SELECT input.instance_id IN (SELECT instance_id FROM created) AS created, i.status
               FROM input LEFT JOIN ${s}.instances i ON i.instance_id = input.instance_id
              ORDER BY input.ord`,
      values: [...instanceColumns(unique, now), nowMs(now)],
      prepared: true,
    },
  ];
  return {
    statements,
    interpret: (results, changes) => {
      const rows = (results[2]?.rows ?? []) as { created: boolean; status: InstanceStatus | null }[];
      const outcomes = rows.map((row): CreateOutcome => {
        // Not created and not visible: a concurrent start took the id after this statement's snapshot.
        if (!row.created) return { created: false, status: row.status ?? "pending" };
        return { created: true };
      });
      unique.forEach((init, index) => {
        if (outcomes[index]?.created) changes.instances.add(init.instanceId);
      });
      if (changes.instances.size > 0) changes.orchestrationWork = true;
      return slot.map(({ index, repeated }) => {
        const outcome = outcomes[index] ?? { created: false, status: "pending" };
        if (!repeated) return outcome;
        return outcome.created ? { created: false, status: "pending" } : outcome;
      });
    },
  };
}

/**
 * enqueueMessages as one statement: lock the target instances — FOR SHARE where a
 * message has a status condition (the status cannot change until we commit), FOR KEY
 * SHARE otherwise (only deleting the row waits) — each set in id order, then insert
 * the messages whose instance exists and passes its condition, in the given order.
 * enqueueMessage takes no `now`: a message without visibleAt is visible at epoch 0,
 * i.e. at once, as in the other stores.
 */
export function planEnqueueMessages(s: string, messages: readonly MessageToEnqueue[]): PlannedWrite<EnqueueResult[]> {
  const conditions = messages.map((m) => (m.onlyIfStatus === undefined ? null : m.onlyIfStatus.join(",")));
  const statement: Statement = {
    text: `WITH input AS (
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
               WITH ORDINALITY AS m(instance_id, execution_id, event_type, event, visible_at, only_if, ord)
           ), guarded AS MATERIALIZED (
             SELECT instance_id, status FROM ${s}.instances
              WHERE instance_id IN (SELECT instance_id FROM input WHERE only_if IS NOT NULL)
              ORDER BY instance_id
              FOR SHARE
           ), kept AS MATERIALIZED (
             SELECT instance_id, status FROM ${s}.instances
              WHERE instance_id IN (SELECT instance_id FROM input WHERE only_if IS NULL)
                AND instance_id NOT IN (SELECT instance_id FROM guarded)
              ORDER BY instance_id
              FOR KEY SHARE
           ), target AS (
             SELECT * FROM guarded UNION ALL SELECT * FROM kept
           ), inserted AS (
             INSERT INTO ${s}.inbox (instance_id, execution_id, event_type, event, visible_at)
             SELECT m.instance_id, m.execution_id, m.event_type, m.event, m.visible_at
               FROM input m JOIN target t ON t.instance_id = m.instance_id
              WHERE m.only_if IS NULL OR t.status = ANY(string_to_array(m.only_if, ','))
              ORDER BY m.ord
           )
           SELECT t.status FROM input m LEFT JOIN target t ON t.instance_id = m.instance_id ORDER BY m.ord`,
    values: [
      ...messageColumns(
        messages.map((m) => m.message),
        0,
      ),
      conditions,
    ],
    prepared: true,
  };
  return {
    statements: [statement],
    interpret: (results, changes) => {
      const rows = (results[0]?.rows ?? []) as { status: InstanceStatus | null }[];
      return messages.map(({ message, onlyIfStatus }, index): EnqueueResult => {
        const status = rows[index]?.status ?? null;
        if (status === null) return "not-found";
        if (onlyIfStatus !== undefined && !onlyIfStatus.includes(status)) return "rejected";
        changes.instances.add(message.instanceId);
        changes.orchestrationWork = true;
        return "ok";
      });
    },
  };
}
