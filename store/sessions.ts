import { and, eq, gt } from "drizzle-orm";
import type { StoreDatabase } from "./database.ts";
import { accounts, sessions } from "./schema.ts";

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

/** The live session with this token hash and its account, or undefined. */
export async function findLiveSession(
  db: StoreDatabase,
  tokenHash: string,
  now: Date,
): Promise<
  { session: SessionRow; account: { id: string; email: string; displayName: string } } | undefined
> {
  const rows = await db
    .select({
      tokenHash: sessions.tokenHash,
      accountId: sessions.accountId,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      email: accounts.email,
      displayName: accounts.displayName,
    })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
    .limit(1);
  const row = rows[0];
  if (!row) return undefined;
  return {
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
