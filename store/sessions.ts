import { and, eq, gt, isNull, lt, ne, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { accounts, projectMembers, type Role, sessions } from "./schema.ts";

/**
 * Session rows: only the SHA-256 of each token is kept (accounts/sessions.ts makes both),
 * so a copy of the database cannot sign anyone in.
 */
export interface SessionRow {
  tokenHash: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: StoreDatabase, session: SessionRow): Promise<void> {
  await db.insert(sessions).values(session);
}

/**
 * The live session with this token hash and its account, or undefined. With `projectId`,
 * also the account's role on that project (undefined when not a member), in the same query:
 * every project route needs both, and a query is most of what a read costs.
 */
export async function findLiveSession(
  db: StoreDatabase,
  tokenHash: string,
  now: Date,
  projectId?: string,
): Promise<
  | {
      session: SessionRow;
      account: { id: string; email: string; displayName: string };
      role: Role | undefined;
    }
  | undefined
> {
  const query = db
    .select({
      tokenHash: sessions.tokenHash,
      accountId: sessions.accountId,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      email: accounts.email,
      displayName: accounts.displayName,
      role: projectMembers.role,
    })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .leftJoin(
      projectMembers,
      and(
        eq(projectMembers.accountId, sessions.accountId),
        projectId === undefined ? sql`false` : eq(projectMembers.projectId, projectId),
      ),
    )
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        gt(sessions.expiresAt, now),
        // A disabled account's sessions are deleted; this holds even if one was missed.
        isNull(accounts.disabledAt),
      ),
    )
    .limit(1);
  const row = (await query)[0];
  if (!row) return undefined;
  return {
    role: row.role ?? undefined,
    session: {
      tokenHash: row.tokenHash,
      accountId: row.accountId,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    },
    account: { id: row.accountId, email: row.email, displayName: row.displayName },
  };
}

export async function deleteSession(db: StoreDatabase, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/**
 * Slides a session's expiry forward to `expiresAt`. The caller decides when (at most once an
 * hour per session, `accounts/sessions.ts` `sessionNeedsRenewal`), so reads stay reads.
 */
export async function renewSessionRow(
  db: StoreDatabase,
  tokenHash: string,
  expiresAt: Date,
): Promise<void> {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.tokenHash, tokenHash));
}

/**
 * Ends an account's sessions, all of them or all but `except` (the one changing the
 * password); returns the hashes of those ended, so their feeds can be closed.
 */
export async function deleteAccountSessions(
  db: StoreDatabase,
  accountId: string,
  except?: string,
): Promise<string[]> {
  const rows = await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.accountId, checkId(accountId, "accountId")),
        except === undefined ? undefined : ne(sessions.tokenHash, except),
      ),
    )
    .returning({ tokenHash: sessions.tokenHash });
  return rows.map((row) => row.tokenHash);
}

/** Removes sessions past their expiry. */
export async function sweepSessions(db: StoreDatabase, now: Date): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ tokenHash: sessions.tokenHash });
  return rows.length;
}
