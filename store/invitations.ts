import { and, eq } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { invitations, projectMembers, type Role } from "./schema.ts";

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
