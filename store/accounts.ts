import { eq } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type StoreDatabase, sqlState, UNIQUE_VIOLATION } from "./database.ts";
import { checkId } from "./ids.ts";
import { accounts } from "./schema.ts";

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
