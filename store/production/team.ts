import { and, asc, eq } from "drizzle-orm";
import { ControlRoomError } from "../../music/errors.ts";
import type {
  NewPerson,
  Person,
  TeamMember,
  TeamMemberTerms,
} from "../../production/team/people.ts";
import { type AuditRecord, recordAudit } from "../audit.ts";
import { type StoreDatabase, sqlState, UNIQUE_VIOLATION } from "../database.ts";
import { checkId } from "../ids.ts";
import { accounts } from "../schema.ts";
import { people, teamMembers } from "./schema.ts";

/**
 * The server's people and each project's team. A person with an account is found by it, so
 * adding a member to a second project's team books the same person, never a copy.
 */

export interface StoredTeamMember extends TeamMember {
  agreedBy: string | null;
  agreedAt: Date;
}

type PersonRow = typeof people.$inferSelect;

export function personOf(row: PersonRow): Person {
  return {
    id: row.id,
    name: row.name,
    contact: {
      ...(row.email === null ? {} : { email: row.email }),
      ...(row.phone === null ? {} : { phone: row.phone }),
    },
    accountId: row.accountId,
  };
}

export function personMissing(personId: string, field = "personId"): ControlRoomError {
  return new ControlRoomError("E_NOT_FOUND_PERSON", `there is no person ${personId}`, field);
}

/** Everyone the server knows, by name: for a producer picking someone already known. */
export async function listPeople(db: StoreDatabase): Promise<Person[]> {
  return (await db.select().from(people).orderBy(asc(people.name), asc(people.id))).map(personOf);
}

export async function findPerson(db: StoreDatabase, personId: string): Promise<Person | undefined> {
  checkId(personId, "personId");
  const [row] = await db.select().from(people).where(eq(people.id, personId));
  return row && personOf(row);
}

export async function findPersonOfAccount(
  db: StoreDatabase,
  accountId: string,
): Promise<Person | undefined> {
  checkId(accountId, "accountId");
  const [row] = await db.select().from(people).where(eq(people.accountId, accountId));
  return row && personOf(row);
}

/** The person for `who`: an existing one by id, the account's, or a new contact. */
async function personFor(
  tx: StoreDatabase,
  who: { personId: string } | NewPerson,
): Promise<Person> {
  if ("personId" in who) {
    const found = await findPerson(tx, who.personId);
    if (!found) throw personMissing(who.personId);
    return found;
  }
  if (who.accountId !== undefined) {
    const existing = await findPersonOfAccount(tx, who.accountId);
    if (existing) return existing;
    const [account] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.id, who.accountId));
    if (!account) {
      throw new ControlRoomError(
        "E_NOT_FOUND_ACCOUNT",
        `there is no account ${who.accountId}`,
        "accountId",
      );
    }
  }
  const [row] = await tx
    .insert(people)
    .values({
      name: who.name,
      email: who.contact.email ?? null,
      phone: who.contact.phone ?? null,
      accountId: who.accountId ?? null,
    })
    .returning();
  return personOf(row);
}

function memberOf(row: typeof teamMembers.$inferSelect, person: Person): StoredTeamMember {
  return {
    person,
    roles: row.roles,
    rates: row.rates,
    songs: row.songs,
    agreedBy: row.agreedBy,
    agreedAt: row.agreedAt,
  };
}

export async function listTeam(db: StoreDatabase, projectId: string): Promise<StoredTeamMember[]> {
  checkId(projectId, "projectId");
  const rows = await db
    .select({ member: teamMembers, person: people })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(eq(teamMembers.projectId, projectId))
    .orderBy(asc(people.name), asc(people.id));
  return rows.map((row) => memberOf(row.member, personOf(row.person)));
}

export async function addTeamMember(
  db: StoreDatabase,
  projectId: string,
  who: { personId: string } | NewPerson,
  terms: TeamMemberTerms,
  agreedBy: string,
  audit?: (member: StoredTeamMember) => AuditRecord,
): Promise<StoredTeamMember> {
  checkId(projectId, "projectId");
  try {
    return await db.transaction(async (tx) => {
      const person = await personFor(tx, who);
      const [row] = await tx
        .insert(teamMembers)
        .values({ projectId, personId: person.id, ...terms, agreedBy })
        .returning();
      const member = memberOf(row, person);
      if (audit) await recordAudit(tx, audit(member));
      return member;
    });
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new ControlRoomError(
        "E_TEAM_MEMBER_EXISTS",
        "that person is already on this project's team; change their terms instead",
        "personId",
      );
    }
    throw error;
  }
}

export async function changeTeamMember(
  db: StoreDatabase,
  projectId: string,
  personId: string,
  changes: Partial<TeamMemberTerms>,
  agreedBy: string,
  audit?: (member: StoredTeamMember) => AuditRecord,
): Promise<StoredTeamMember> {
  checkId(projectId, "projectId");
  checkId(personId, "personId");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(teamMembers)
      .set({ ...changes, agreedBy, agreedAt: new Date() })
      .where(and(eq(teamMembers.projectId, projectId), eq(teamMembers.personId, personId)))
      .returning();
    if (!row) throw notOnTeam(personId);
    const person = await findPerson(tx, personId);
    const member = memberOf(row, person!);
    if (audit) await recordAudit(tx, audit(member));
    return member;
  });
}

export async function removeTeamMember(
  db: StoreDatabase,
  projectId: string,
  personId: string,
  audit?: AuditRecord,
): Promise<void> {
  checkId(projectId, "projectId");
  checkId(personId, "personId");
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(teamMembers)
      .where(and(eq(teamMembers.projectId, projectId), eq(teamMembers.personId, personId)))
      .returning({ personId: teamMembers.personId });
    if (removed.length === 0) throw notOnTeam(personId);
    if (audit) await recordAudit(tx, audit);
  });
}

export function notOnTeam(personId: string, field = "personId"): ControlRoomError {
  return new ControlRoomError(
    "E_NOT_FOUND_TEAM_MEMBER",
    `person ${personId} is not on this project's team; add them to the team first`,
    field,
  );
}

/** Refuses any of `personIds` who is not on the project's team. */
export async function requireOnTeam(
  tx: StoreDatabase,
  projectId: string,
  personIds: readonly string[],
  field: string,
): Promise<void> {
  if (personIds.length === 0) return;
  for (const id of personIds) checkId(id, field);
  const rows = await tx
    .select({ personId: teamMembers.personId })
    .from(teamMembers)
    .where(eq(teamMembers.projectId, projectId));
  const on = new Set(rows.map((row) => row.personId));
  const missing = personIds.find((id) => !on.has(id));
  if (missing !== undefined) throw notOnTeam(missing, field);
}
