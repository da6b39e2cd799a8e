import { and, asc, count, eq, ne } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import { FOREIGN_KEY_VIOLATION, type StoreDatabase, sqlState } from "./database.ts";
import { checkId } from "./ids.ts";
import { accounts, projectMembers, projects, ROLES, type Role } from "./schema.ts";

/**
 * Who is on a project, in which role. A project always keeps at least one producer: every
 * change of a member locks the project's row first, so two producers demoting each other at
 * once are served one after the other, and the second finds the last producer.
 */

export interface Member {
  accountId: string;
  email: string;
  displayName: string;
  role: Role;
  addedAt: Date;
}

/** A project as the account that is on it sees it in a list. */
export interface AccountProject {
  id: string;
  title: string;
  currentRevision: number;
  role: Role;
}

function checkRole(role: Role): Role {
  if (!ROLES.includes(role)) {
    throw new ControlRoomError(
      "E_STORE_ROLE",
      `"${role}" is not a role; a member is one of ${ROLES.join(", ")}`,
      "role",
    );
  }
  return role;
}

export function memberMissing(accountId: string): ControlRoomError {
  return new ControlRoomError(
    "E_STORE_MEMBER_MISSING",
    `account ${accountId} is not a member of this project`,
    "accountId",
  );
}

/** Locks the project's row for the rest of the transaction `tx`. */
async function lockProject(tx: StoreDatabase, projectId: string): Promise<void> {
  const [row] = await tx
    .select({ id: projects.id })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for("update");
  if (!row) {
    throw new ControlRoomError(
      "E_STORE_PROJECT_MISSING",
      `there is no project ${projectId}`,
      "projectId",
    );
  }
}

async function roleIn(
  tx: StoreDatabase,
  projectId: string,
  accountId: string,
): Promise<Role | undefined> {
  const [row] = await tx
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.accountId, accountId)));
  return row?.role;
}

/** Refuses a change that would leave the project without a producer. */
async function keepAProducer(
  tx: StoreDatabase,
  projectId: string,
  accountId: string,
  change: "demote" | "remove",
): Promise<void> {
  const [{ others }] = await tx
    .select({ others: count() })
    .from(projectMembers)
    .where(
      and(
        eq(projectMembers.projectId, projectId),
        eq(projectMembers.role, "producer"),
        ne(projectMembers.accountId, accountId),
      ),
    );
  if (others === 0) {
    throw new ControlRoomError(
      "E_STORE_LAST_PRODUCER",
      `account ${accountId} is the project's last producer and cannot be ${change === "demote" ? "given another role" : "removed"}; make someone else producer first`,
      "accountId",
    );
  }
}

/**
 * Adds an account to a project in a role, or changes its role there. Demoting the last
 * producer is refused (E_STORE_LAST_PRODUCER).
 */
export async function setMemberRole(
  db: StoreDatabase,
  projectId: string,
  accountId: string,
  role: Role,
  audit?: AuditRecord,
): Promise<void> {
  checkId(projectId, "projectId");
  checkId(accountId, "accountId");
  checkRole(role);
  try {
    await db.transaction(async (tx) => {
      await lockProject(tx, projectId);
      const before = await roleIn(tx, projectId, accountId);
      if (before === "producer" && role !== "producer") {
        await keepAProducer(tx, projectId, accountId, "demote");
      }
      await tx
        .insert(projectMembers)
        .values({ projectId, accountId, role })
        .onConflictDoUpdate({
          target: [projectMembers.projectId, projectMembers.accountId],
          set: { role },
        });
      if (audit) await recordAudit(tx, audit);
    });
  } catch (error) {
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      throw new ControlRoomError(
        "E_STORE_ACCOUNT_MISSING",
        `there is no account ${accountId}`,
        "accountId",
      );
    }
    throw error;
  }
}

/**
 * Changes the role of someone already on the project and returns the role they had;
 * E_STORE_MEMBER_MISSING if they are not on it, E_STORE_LAST_PRODUCER for the last producer.
 */
export async function changeMemberRole(
  db: StoreDatabase,
  projectId: string,
  accountId: string,
  role: Role,
  audit?: (previous: Role) => AuditRecord,
): Promise<Role> {
  checkId(projectId, "projectId");
  checkId(accountId, "accountId");
  checkRole(role);
  return db.transaction(async (tx) => {
    await lockProject(tx, projectId);
    const before = await roleIn(tx, projectId, accountId);
    if (before === undefined) throw memberMissing(accountId);
    if (before === "producer" && role !== "producer") {
      await keepAProducer(tx, projectId, accountId, "demote");
    }
    await tx
      .update(projectMembers)
      .set({ role })
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.accountId, accountId)));
    if (audit) await recordAudit(tx, audit(before));
    return before;
  });
}

/** Takes someone off the project and returns the role they had. */
export async function removeMember(
  db: StoreDatabase,
  projectId: string,
  accountId: string,
  audit?: (previous: Role) => AuditRecord,
): Promise<Role> {
  checkId(projectId, "projectId");
  checkId(accountId, "accountId");
  return db.transaction(async (tx) => {
    await lockProject(tx, projectId);
    const before = await roleIn(tx, projectId, accountId);
    if (before === undefined) throw memberMissing(accountId);
    if (before === "producer") await keepAProducer(tx, projectId, accountId, "remove");
    await tx
      .delete(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.accountId, accountId)));
    if (audit) await recordAudit(tx, audit(before));
    return before;
  });
}

export async function memberRole(
  db: StoreDatabase,
  projectId: string,
  accountId: string,
): Promise<Role | undefined> {
  return roleIn(db, checkId(projectId, "projectId"), checkId(accountId, "accountId"));
}

/** The project's members, producers first, then by name. */
export async function listMembers(db: StoreDatabase, projectId: string): Promise<Member[]> {
  checkId(projectId, "projectId");
  const rows = await db
    .select({
      accountId: projectMembers.accountId,
      email: accounts.email,
      displayName: accounts.displayName,
      role: projectMembers.role,
      addedAt: projectMembers.addedAt,
    })
    .from(projectMembers)
    .innerJoin(accounts, eq(accounts.id, projectMembers.accountId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(accounts.displayName), asc(accounts.email));
  return rows.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
}

/** Every project the account is on, with its role there, by title. */
export async function listAccountProjects(
  db: StoreDatabase,
  accountId: string,
): Promise<AccountProject[]> {
  return db
    .select({
      id: projects.id,
      title: projects.title,
      currentRevision: projects.currentRevision,
      role: projectMembers.role,
    })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.accountId, checkId(accountId, "accountId")))
    .orderBy(asc(projects.title), asc(projects.id));
}
