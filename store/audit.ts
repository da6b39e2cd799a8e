import { and, desc, eq, lt } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { auditLog } from "./schema.ts";

/**
 * The audit log: one row per change, written in the transaction of the change it records,
 * so a change is never without its entry and an entry never without its change. The entry
 * comes already redacted (accounts/audit.ts `auditEntry`); this keeps it as it is given.
 */

/** An entry as accounts/audit.ts makes it. */
export interface AuditRecord {
  /** ISO 8601. */
  readonly at: string;
  readonly actorId: string | null;
  readonly projectId: string | null;
  readonly event: string;
  readonly subject: string | null;
  readonly outcome: string;
  readonly address: string | null;
  readonly detail: unknown;
}

export interface StoredAuditEntry extends Omit<AuditRecord, "at"> {
  /** Increases with every entry: the cursor for reading further back. */
  id: number;
  at: Date;
}

export interface AuditQuery {
  /** At most this many, newest first. */
  limit: number;
  /** Only entries older than this id. */
  before?: number;
}

/**
 * `who`, `what` and `which project` are columns; subject, outcome, address and the redacted
 * detail travel together in the jsonb `detail`.
 */
export async function recordAudit(db: StoreDatabase, entry: AuditRecord): Promise<void> {
  await db.insert(auditLog).values({
    at: new Date(entry.at),
    accountId: entry.actorId,
    projectId: entry.projectId,
    action: entry.event,
    detail: {
      subject: entry.subject,
      outcome: entry.outcome,
      address: entry.address,
      detail: entry.detail ?? null,
    },
  });
}

export async function listAudit(
  db: StoreDatabase,
  projectId: string,
  query: AuditQuery,
): Promise<StoredAuditEntry[]> {
  checkId(projectId, "projectId");
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    throw new ControlRoomError(
      "E_STORE_AUDIT_LIMIT",
      `limit ${query.limit} is not a number of entries (1, 2, 3, …)`,
      "limit",
    );
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.projectId, projectId),
        query.before === undefined ? undefined : lt(auditLog.id, query.before),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
  return rows.map((row) => {
    const kept = row.detail as {
      subject?: string | null;
      outcome?: string;
      address?: string | null;
      detail?: unknown;
    };
    return {
      id: row.id,
      at: row.at,
      actorId: row.accountId,
      projectId: row.projectId,
      event: row.action,
      subject: kept.subject ?? null,
      outcome: kept.outcome ?? "done",
      address: kept.address ?? null,
      detail: kept.detail ?? null,
    };
  });
}
