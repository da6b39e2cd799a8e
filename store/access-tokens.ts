import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { accessTokens, accounts, projectMembers, type Role } from "./schema.ts";

/**
 * Personal access tokens (accounts/access-tokens.ts makes them): only each token's SHA-256
 * is kept, so a copy of the database signs nobody in.
 */

export interface AccessTokenRecord {
  id: string;
  accountId: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

export interface NewAccessTokenRow {
  accountId: string;
  name: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Tokens' last use is written at most this often, so a request stays one read. */
const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;

const summary = {
  id: accessTokens.id,
  accountId: accessTokens.accountId,
  name: accessTokens.name,
  createdAt: accessTokens.createdAt,
  expiresAt: accessTokens.expiresAt,
  lastUsedAt: accessTokens.lastUsedAt,
};

export async function insertAccessToken(
  db: StoreDatabase,
  token: NewAccessTokenRow,
  audit?: (record: AccessTokenRecord) => AuditRecord,
): Promise<AccessTokenRecord> {
  checkId(token.accountId, "accountId");
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(accessTokens).values(token).returning(summary);
    if (audit) await recordAudit(tx, audit(row));
    return row;
  });
}

/** An account's tokens, newest first, expired ones included (they say so). */
export async function listAccessTokens(
  db: StoreDatabase,
  accountId: string,
): Promise<AccessTokenRecord[]> {
  return db
    .select(summary)
    .from(accessTokens)
    .where(eq(accessTokens.accountId, checkId(accountId, "accountId")))
    .orderBy(desc(accessTokens.createdAt), accessTokens.id);
}

/** Deletes one of the account's tokens; E_ACCESS_TOKEN_MISSING when it has no such token. */
export async function revokeAccessToken(
  db: StoreDatabase,
  accountId: string,
  tokenId: string,
  audit?: (record: AccessTokenRecord) => AuditRecord,
): Promise<AccessTokenRecord> {
  checkId(accountId, "accountId");
  checkId(tokenId, "tokenId");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(accessTokens)
      .where(and(eq(accessTokens.id, tokenId), eq(accessTokens.accountId, accountId)))
      .returning(summary);
    if (!row) {
      throw new ControlRoomError(
        "E_ACCESS_TOKEN_MISSING",
        "you have no access token with that id",
        "tokenId",
      );
    }
    if (audit) await recordAudit(tx, audit(row));
    return row;
  });
}

/**
 * The live token with this hash and its account (not disabled), with the account's role on
 * `projectId` in the same query, as `findLiveSession` does for cookies.
 */
export async function findLiveAccessToken(
  db: StoreDatabase,
  tokenHash: string,
  now: Date,
  projectId?: string,
): Promise<
  | {
      token: { id: string; lastUsedAt: Date | null };
      account: { id: string; email: string; displayName: string };
      role: Role | undefined;
    }
  | undefined
> {
  const [row] = await db
    .select({
      id: accessTokens.id,
      lastUsedAt: accessTokens.lastUsedAt,
      accountId: accounts.id,
      email: accounts.email,
      displayName: accounts.displayName,
      role: projectMembers.role,
    })
    .from(accessTokens)
    .innerJoin(accounts, eq(accounts.id, accessTokens.accountId))
    .leftJoin(
      projectMembers,
      and(
        eq(projectMembers.accountId, accessTokens.accountId),
        projectId === undefined ? sql`false` : eq(projectMembers.projectId, projectId),
      ),
    )
    .where(
      and(
        eq(accessTokens.tokenHash, tokenHash),
        or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, now)),
        isNull(accounts.disabledAt),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  return {
    token: { id: row.id, lastUsedAt: row.lastUsedAt },
    account: { id: row.accountId, email: row.email, displayName: row.displayName },
    role: row.role ?? undefined,
  };
}

/** Records that a token was used, unless that was recorded within the last hour. */
export async function touchAccessToken(
  db: StoreDatabase,
  token: { id: string; lastUsedAt: Date | null },
  now: Date,
): Promise<void> {
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) {
    return;
  }
  await db
    .update(accessTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(accessTokens.id, token.id),
        or(
          isNull(accessTokens.lastUsedAt),
          lt(accessTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)),
        ),
      ),
    );
}

/** Ends every token of an account (it was disabled). */
export async function deleteAccountAccessTokens(
  db: StoreDatabase,
  accountId: string,
): Promise<number> {
  const rows = await db
    .delete(accessTokens)
    .where(eq(accessTokens.accountId, checkId(accountId, "accountId")))
    .returning({ id: accessTokens.id });
  return rows.length;
}

/** Removes tokens past their expiry. */
export async function sweepAccessTokens(db: StoreDatabase, now: Date): Promise<number> {
  const rows = await db
    .delete(accessTokens)
    .where(lt(accessTokens.expiresAt, now))
    .returning({ id: accessTokens.id });
  return rows.length;
}
