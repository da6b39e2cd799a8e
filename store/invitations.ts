import { and, asc, eq, gt, isNull, lt } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type Account, createAccount, type NewAccount } from "./accounts.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { accounts, invitations, projectMembers, projects, type Role, sessions } from "./schema.ts";
import type { SessionRow } from "./sessions.ts";

/**
 * Invitations to a project. Only the SHA-256 of an invitation's token is kept
 * (accounts/invitations.ts makes both), so a copy of the database lets nobody in.
 */

export interface Invitation {
  id: string;
  projectId: string;
  email: string;
  role: Role;
  tokenHash: string;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  /** When a producer withdrew it. */
  revokedAt: Date | null;
}

export interface NewInvitation {
  projectId: string;
  email: string;
  role: Role;
  tokenHash: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Keeps an invitation (and its audit entry) and returns its id. */
export async function createInvitation(
  db: StoreDatabase,
  invitation: NewInvitation,
  audit?: (id: string) => AuditRecord,
): Promise<string> {
  checkId(invitation.projectId, "projectId");
  checkId(invitation.invitedBy, "invitedBy");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invitations)
      .values({
        projectId: invitation.projectId,
        email: invitation.email,
        role: invitation.role,
        tokenHash: invitation.tokenHash,
        invitedBy: invitation.invitedBy,
        createdAt: invitation.createdAt,
        expiresAt: invitation.expiresAt,
      })
      .returning({ id: invitations.id });
    if (audit) await recordAudit(tx, audit(row.id));
    return row.id;
  });
}

/**
 * Accepts the invitation with this token hash for `accountId`, in one transaction: the
 * invitation is locked, `decide` says whether it may be accepted (it throws if not, and is
 * given undefined for an unknown hash), the account joins the project in the role the
 * invitation carries, and the invitation is closed. Two accepts of one invitation are served
 * one after the other; the second finds it used.
 */
export async function acceptInvitation(
  db: StoreDatabase,
  tokenHash: string,
  accountId: string,
  now: Date,
  decide: (invitation: Invitation | undefined) => void,
  audit?: (invitation: Invitation) => AuditRecord,
): Promise<Invitation> {
  checkId(accountId, "accountId");
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash))
      .for("update");
    decide(found);
    if (!found) {
      throw new ControlRoomError(
        "E_STORE_INVITATION_MISSING",
        "there is no such invitation",
        "invitation",
      );
    }
    const [member] = await tx
      .select({ role: projectMembers.role })
      .from(projectMembers)
      .where(
        and(eq(projectMembers.projectId, found.projectId), eq(projectMembers.accountId, accountId)),
      );
    if (member) {
      throw new ControlRoomError(
        "E_STORE_MEMBER_EXISTS",
        `you are already on this project as ${member.role}; the invitation was left unused`,
        "invitation",
      );
    }
    await tx
      .insert(projectMembers)
      .values({ projectId: found.projectId, accountId, role: found.role });
    const [accepted] = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: accountId })
      .where(eq(invitations.id, found.id))
      .returning();
    if (audit) await recordAudit(tx, audit(accepted));
    return accepted;
  });
}

/**
 * A new account made through an invitation, in one transaction: the invitation is locked and
 * checked by `decide` (it throws for one that may not be used; undefined for an unknown hash),
 * the account is created with the invitation's email, joins the project in its role, the
 * invitation is closed and the account's first session starts.
 */
export async function signUpWithInvitation(
  db: StoreDatabase,
  tokenHash: string,
  now: Date,
  decide: (invitation: Invitation | undefined) => void,
  account: (invitation: Invitation) => NewAccount,
  session: (account: Account) => SessionRow,
  audit?: (invitation: Invitation, account: Account) => AuditRecord[],
): Promise<{ invitation: Invitation; account: Account }> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash))
      .for("update");
    decide(found);
    if (!found) {
      throw new ControlRoomError(
        "E_STORE_INVITATION_MISSING",
        "there is no such invitation",
        "invitation",
      );
    }
    const created = await createAccount(tx, account(found));
    await tx
      .insert(projectMembers)
      .values({ projectId: found.projectId, accountId: created.id, role: found.role });
    const [accepted] = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: created.id })
      .where(eq(invitations.id, found.id))
      .returning();
    await tx.insert(sessions).values(session(created));
    for (const entry of audit?.(accepted, created) ?? []) await recordAudit(tx, entry);
    return { invitation: accepted, account: created };
  });
}

/** What the invitation page shows before anyone signs in. */
export interface InvitationDetails {
  invitation: Invitation;
  projectTitle: string;
  inviterName: string | null;
  /** Whether an account exists for the invitation's email (then: sign in and accept). */
  accountExists: boolean;
}

export async function findInvitationDetails(
  db: StoreDatabase,
  tokenHash: string,
): Promise<InvitationDetails | undefined> {
  const [row] = await db
    .select({
      invitation: invitations,
      projectTitle: projects.title,
      inviterName: accounts.displayName,
    })
    .from(invitations)
    .innerJoin(projects, eq(projects.id, invitations.projectId))
    .leftJoin(accounts, eq(accounts.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, tokenHash));
  if (!row) return undefined;
  const [existing] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.email, row.invitation.email));
  return {
    invitation: row.invitation,
    projectTitle: row.projectTitle,
    inviterName: row.inviterName,
    accountExists: existing !== undefined,
  };
}

/** A project's invitations nobody has accepted or withdrawn and that have not expired. */
export async function listPendingInvitations(
  db: StoreDatabase,
  projectId: string,
  now: Date,
): Promise<Invitation[]> {
  return db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.projectId, checkId(projectId, "projectId")),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .orderBy(asc(invitations.createdAt), asc(invitations.id));
}

/**
 * Withdraws a pending invitation of the project; its link stops working. E_INVITATION_MISSING
 * for one the project does not have, E_INVITATION_USED for one already accepted or withdrawn.
 */
export async function revokeInvitation(
  db: StoreDatabase,
  projectId: string,
  invitationId: string,
  now: Date,
  audit?: (invitation: Invitation) => AuditRecord,
): Promise<Invitation> {
  checkId(projectId, "projectId");
  checkId(invitationId, "invitationId");
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.projectId, projectId)))
      .for("update");
    if (!found) {
      throw new ControlRoomError(
        "E_INVITATION_MISSING",
        "this project has no invitation with that id",
        "invitationId",
      );
    }
    if (found.acceptedAt !== null || found.revokedAt !== null) {
      throw new ControlRoomError(
        "E_INVITATION_USED",
        "this invitation has already been accepted or withdrawn",
        "invitationId",
      );
    }
    const [revoked] = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(eq(invitations.id, invitationId))
      .returning();
    if (audit) await recordAudit(tx, audit(revoked));
    return revoked;
  });
}

/** Removes invitations that expired before `before` without being accepted. */
export async function sweepInvitations(db: StoreDatabase, before: Date): Promise<number> {
  const rows = await db
    .delete(invitations)
    .where(and(lt(invitations.expiresAt, before), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id });
  return rows.length;
}
