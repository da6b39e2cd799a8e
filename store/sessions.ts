import { and, eq, gt, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.ts";
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
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
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
