import { eq, lt } from "drizzle-orm";
import { type AuditRecord, recordAudit } from "./audit.ts";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { accounts, passwordResets, sessions } from "./schema.ts";

/**
 * Password reset links, by the SHA-256 of their token (accounts/password-resets.ts makes
 * both). Using one sets the password, closes the link and ends the account's sessions, in one
 * transaction.
 */

export interface PasswordResetRow {
  tokenHash: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export async function insertPasswordReset(
  db: StoreDatabase,
  reset: PasswordResetRow,
  audit?: AuditRecord,
): Promise<void> {
  checkId(reset.accountId, "accountId");
  await db.transaction(async (tx) => {
    await tx.insert(passwordResets).values(reset);
    if (audit) await recordAudit(tx, audit);
  });
}

/**
 * Uses the reset with this token hash: `check` throws for one that may not be used (given
 * undefined for an unknown hash); then the account's password hash becomes `passwordHash`,
 * the link is closed and every session of the account ends. Returns the account's id and the
 * hashes of the sessions ended.
 */
export async function usePasswordReset(
  db: StoreDatabase,
  tokenHash: string,
  now: Date,
  passwordHash: string,
  check: (reset: PasswordResetRow | undefined) => void,
  audit?: (accountId: string) => AuditRecord,
): Promise<{ accountId: string; endedSessions: string[] }> {
  return db.transaction(async (tx) => {
    const [reset] = await tx
      .select()
      .from(passwordResets)
      .where(eq(passwordResets.tokenHash, tokenHash))
      .for("update");
    check(reset);
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(eq(passwordResets.tokenHash, tokenHash));
    await tx.update(accounts).set({ passwordHash }).where(eq(accounts.id, reset.accountId));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.accountId, reset.accountId))
      .returning({ tokenHash: sessions.tokenHash });
    if (audit) await recordAudit(tx, audit(reset.accountId));
    return { accountId: reset.accountId, endedSessions: ended.map((row) => row.tokenHash) };
  });
}

/** Removes links past their expiry (used ones included: the audit log remembers them). */
export async function sweepPasswordResets(db: StoreDatabase, now: Date): Promise<number> {
  const rows = await db
    .delete(passwordResets)
    .where(lt(passwordResets.expiresAt, now))
    .returning({ tokenHash: passwordResets.tokenHash });
  return rows.length;
}
