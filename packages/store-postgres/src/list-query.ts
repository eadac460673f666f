import { StoreError, type InstancePage, type InstanceQuery } from "@weft/engine";
import type { Queryable } from "./connection.js";
import { INSTANCE_COLUMNS, toInstanceRecord, type InstanceRow } from "./rows.js";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/**
 * listInstances: newest first (created_at DESC, instance_id DESC) with keyset
 * paging, so a page costs the same however deep it is and instances created
 * between pages neither shift nor repeat rows. Only the filters given appear in
 * the WHERE clause; values always travel as parameters.
 */
export async function listInstances(c: Queryable, s: string, query: InstanceQuery): Promise<InstancePage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };

  if (query.status !== undefined) where.push(`status = ANY(${param([...query.status])}::text[])`);
  if (query.name !== undefined) where.push(`name = ${param(query.name)}`);
  if (query.tags !== undefined && Object.keys(query.tags).length > 0) {
    // Containment on the GIN-indexed expression: every given tag must match exactly.
    where.push(`(tags::jsonb) @> ${param(JSON.stringify(query.tags))}::jsonb`);
  }
  if (query.createdFrom !== undefined) where.push(`created_at >= ${param(epochMs(query.createdFrom, "createdFrom"))}`);
  if (query.createdTo !== undefined) where.push(`created_at < ${param(epochMs(query.createdTo, "createdTo"))}`);
  // strpos is case-sensitive, unlike ILIKE, and needs no escaping of % and _.
  if (query.idContains !== undefined) where.push(`strpos(instance_id, ${param(query.idContains)}) > 0`);
  if (query.parentInstanceId !== undefined) where.push(`parent_instance_id = ${param(query.parentInstanceId)}`);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after) where.push(`(created_at, instance_id) < (${param(after.createdAt)}::bigint, ${param(after.instanceId)}::text)`);

  const sql = `SELECT ${INSTANCE_COLUMNS} FROM ${s}.instances
                ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
                ORDER BY created_at DESC, instance_id DESC LIMIT ${param(limit + 1)}`;
  const rows = (await c.query<InstanceRow>(sql, params)).rows;
  const items = rows.slice(0, limit).map(toInstanceRecord);
  const last = rows[Math.min(rows.length, limit) - 1];
  return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.created_at, last.instance_id) } : { items };
}

/** The cursor names the last row of the page (ISO createdAt, instance id), as the other stores' cursors do. */
function encodeCursor(createdAt: number, instanceId: string): string {
  return Buffer.from(JSON.stringify([new Date(createdAt).toISOString(), instanceId])).toString("base64url");
}

/** An unreadable cursor starts from the first page, as the memory store does. */
function decodeCursor(cursor: string): { createdAt: number; instanceId: string } | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown;
    if (Array.isArray(decoded) && typeof decoded[0] === "string" && typeof decoded[1] === "string") {
      const createdAt = Date.parse(decoded[0]);
      if (!Number.isNaN(createdAt)) return { createdAt, instanceId: decoded[1] };
    }
  } catch {
    // fall through
  }
  return undefined;
}

function epochMs(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new StoreError(`Cannot list instances: ${field} "${value}" is not an ISO 8601 date.`);
  return ms;
}
