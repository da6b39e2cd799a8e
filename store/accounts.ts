import { and, eq, isNull, ne } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import { type StoreDatabase, sqlState, UNIQUE_VIOLATION } from "./database.ts";
import { checkId } from "./ids.ts";
import { accessTokens, accounts, sessions } from "./schema.ts";

/**
 * Account rows. Hashing passwords is `accounts/`'s job: this only keeps the hash it is given.
 */

export interface Account {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  studioOwner: boolean;
  createdAt: Date;
  /** When the owner disabled it; null for an account that may sign in. */
  disabledAt: Date | null;
}

export interface NewAccount {
  email: string;
  displayName: string;
  passwordHash: string;
  /** The studio's owner, who keeps the accounts: the account the first start makes. */
  studioOwner?: boolean;
}

/** Emails are kept in lower case, so one address is one account however it is typed. */
export function normaliseEmail(email: string): string {
  const normal = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(normal)) {
    throw new ControlRoomError("E_STORE_EMAIL", `"${email}" is not an email address`, "email");
  }
  return normal;
}

export async function createAccount(db: StoreDatabase, account: NewAccount): Promise<Account> {
  const email = normaliseEmail(account.email);
  const displayName = account.displayName.trim();
  if (displayName.length === 0) {
    throw new ControlRoomError("E_STORE_DISPLAY_NAME", "the display name is empty", "displayName");
  }
  try {
    const [row] = await db
      .insert(accounts)
      .values({
        email,
        displayName,
        passwordHash: account.passwordHash,
        studioOwner: account.studioOwner ?? false,
      })
      .returning();
    return row;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new ControlRoomError(
        "E_STORE_EMAIL_TAKEN",
        `there is already an account for ${email}`,
        "email",
      );
    }
    throw error;
  }
}

export async function findAccountByEmail(
  db: StoreDatabase,
  email: string,
): Promise<Account | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(eq(accounts.email, normaliseEmail(email)));
  return row;
}

export async function findAccount(db: StoreDatabase, id: string): Promise<Account | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(eq(accounts.id, checkId(id, "accountId")));
  return row;
}

/** Whether the account is the studio's owner. */
export async function isStudioOwner(db: StoreDatabase, id: string): Promise<boolean> {
  const [row] = await db
    .select({ studioOwner: accounts.studioOwner })
    .from(accounts)
    .where(eq(accounts.id, checkId(id, "accountId")));
  return row?.studioOwner === true;
}

/** Every account, oldest first, for the owner (no password hashes). */
export async function listAccounts(db: StoreDatabase): Promise<Omit<Account, "passwordHash">[]> {
  return db
    .select({
      id: accounts.id,
      email: accounts.email,
      displayName: accounts.displayName,
      studioOwner: accounts.studioOwner,
      createdAt: accounts.createdAt,
      disabledAt: accounts.disabledAt,
    })
    .from(accounts)
    .orderBy(accounts.createdAt, accounts.id);
}

/**
 * A new password hash for the account, with its audit entry. With `endSessions`, the
 * account's sessions end too, all of them or all but `except` (the session that changed
 * the password); returns the hashes of those ended.
 */
export async function setPasswordHash(
  db: StoreDatabase,
  accountId: string,
  passwordHash: string,
  options: { endSessions?: { except?: string }; audit?: AuditRecord } = {},
): Promise<string[]> {
  checkId(accountId, "accountId");
  return db.transaction(async (tx) => {
    await tx.update(accounts).set({ passwordHash }).where(eq(accounts.id, accountId));
    let ended: string[] = [];
    if (options.endSessions) {
      const except = options.endSessions.except;
      const rows = await tx
        .delete(sessions)
        .where(
          and(
            eq(sessions.accountId, accountId),
            except === undefined ? undefined : ne(sessions.tokenHash, except),
          ),
        )
        .returning({ tokenHash: sessions.tokenHash });
      ended = rows.map((row) => row.tokenHash);
    }
    if (options.audit) await recordAudit(tx, options.audit);
    return ended;
  });
}

/**
 * Disables an account: it cannot sign in, its sessions and access tokens end, and it stays a
 * member of its projects so their history keeps its name. The studio's owner cannot be
 * disabled (someone must keep the accounts). Returns the hashes of the sessions ended.
 */
export async function disableAccount(
  db: StoreDatabase,
  accountId: string,
  now: Date,
  audit?: AuditRecord,
): Promise<string[]> {
  checkId(accountId, "accountId");
  return db.transaction(async (tx) => {
    const [account] = await tx
      .select({ studioOwner: accounts.studioOwner })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .for("update");
    if (!account) {
      throw new ControlRoomError("E_ACCOUNT_MISSING", "there is no such account", "accountId");
    }
    if (account.studioOwner) {
      throw new ControlRoomError(
        "E_ACCOUNT_OWNER",
        "the studio's owner cannot be disabled: someone has to keep the accounts",
        "accountId",
      );
    }
    await tx
      .update(accounts)
      .set({ disabledAt: now })
      .where(and(eq(accounts.id, accountId), isNull(accounts.disabledAt)));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.accountId, accountId))
      .returning({ tokenHash: sessions.tokenHash });
    await tx.delete(accessTokens).where(eq(accessTokens.accountId, accountId));
    if (audit) await recordAudit(tx, audit);
    return ended.map((row) => row.tokenHash);
  });
}

/** Lets a disabled account sign in again (its old sessions and tokens stay ended). */
export async function enableAccount(
  db: StoreDatabase,
  accountId: string,
  audit?: AuditRecord,
): Promise<void> {
  checkId(accountId, "accountId");
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(accounts)
      .set({ disabledAt: null })
      .where(eq(accounts.id, accountId))
      .returning({ id: accounts.id });
    if (rows.length === 0) {
      throw new ControlRoomError("E_ACCOUNT_MISSING", "there is no such account", "accountId");
    }
    if (audit) await recordAudit(tx, audit);
  });
}
