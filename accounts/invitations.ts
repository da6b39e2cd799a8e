/**
 * Invitations to a project. A producer invites an email address in a role; the link carries
 * a random token, and the database keeps only the token's SHA-256 with the role, the expiry
 * and whether it was used. The invitee signs in (or signs up) with that email and accepts.
 */
import { ControlRoomError } from "../music/errors.ts";
import { constantTimeEqual, randomBytes, sha256Hex, toBase64Url } from "./bytes.ts";
import { normalizeEmail } from "./email.ts";
import { can, type Role } from "./roles.ts";

/**
 * The roles an invitation may carry. Nobody is invited as producer: a producer holds the
 * money and can delete the project, so that role comes only with creating the project or
 * by a producer promoting an existing member (`members.manage`).
 */
export const INVITABLE_ROLES: readonly Role[] = ["engineer", "musician", "artist", "viewer"];
/** Seven days. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 60 * 60;

export type InvitationToken = string & { readonly __brand: "InvitationToken" };
export type InvitationTokenHash = string & { readonly __brand: "InvitationTokenHash" };

export interface StoredInvitation {
  readonly tokenHash: InvitationTokenHash;
  readonly projectId: string;
  readonly email: string;
  readonly role: Role;
  readonly invitedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Set when accepted or revoked; an invitation works once. */
  readonly closedAt: Date | null;
}

export interface InvitationRequest {
  readonly projectId: string;
  readonly email: string;
  readonly role: Role;
  /** The inviting member. */
  readonly inviter: { readonly accountId: string; readonly role: Role };
  readonly now: Date;
  readonly ttlSeconds?: number;
}

/** The token goes into the link sent to the invitee; `stored` goes into the database. */
export function createInvitation(request: InvitationRequest): {
  token: InvitationToken;
  stored: StoredInvitation;
} {
  if (!can(request.inviter.role, "members.invite")) {
    throw new ControlRoomError(
      "E_FORBIDDEN",
      `a ${request.inviter.role} cannot invite people to this project`,
      "members.invite",
    );
  }
  if (!INVITABLE_ROLES.includes(request.role)) {
    throw new ControlRoomError(
      "E_ROLE_NOT_INVITABLE",
      `nobody can be invited as ${request.role}; invite them as ${INVITABLE_ROLES.join(", ")}, ` +
        "then promote them",
      "role",
    );
  }
  const token = toBase64Url(randomBytes(32)) as InvitationToken;
  const ttl = request.ttlSeconds ?? INVITATION_TTL_SECONDS;
  return {
    token,
    stored: {
      tokenHash: hashInvitationToken(token),
      projectId: request.projectId,
      email: normalizeEmail(request.email),
      role: request.role,
      invitedBy: request.inviter.accountId,
      createdAt: request.now,
      expiresAt: new Date(request.now.getTime() + ttl * 1000),
      closedAt: null,
    },
  };
}

/** What the server looks the invitation up by. */
export function hashInvitationToken(token: string): InvitationTokenHash {
  return sha256Hex(token) as InvitationTokenHash;
}

/**
 * Checks an invitation being accepted and returns the membership it grants. The same
 * error for a wrong token and a missing invitation, so links cannot be probed.
 */
export function acceptInvitation(
  stored: StoredInvitation | undefined,
  presented: { readonly token: string; readonly accountEmail: string; readonly now: Date },
): { projectId: string; role: Role } {
  if (
    stored === undefined ||
    !constantTimeEqual(hashInvitationToken(presented.token), stored.tokenHash)
  ) {
    throw new ControlRoomError(
      "E_INVITATION_INVALID",
      "this invitation link is not valid",
      "invitation",
    );
  }
  if (stored.closedAt !== null) {
    throw new ControlRoomError(
      "E_INVITATION_USED",
      "this invitation has already been used or was withdrawn",
      "invitation",
    );
  }
  if (presented.now.getTime() >= stored.expiresAt.getTime()) {
    throw new ControlRoomError(
      "E_INVITATION_EXPIRED",
      "this invitation has expired; ask the producer for a new one",
      "invitation",
    );
  }
  if (normalizeEmail(presented.accountEmail) !== stored.email) {
    throw new ControlRoomError(
      "E_INVITATION_EMAIL",
      "this invitation was sent to another email address; sign in with that one",
      "invitation",
    );
  }
  return { projectId: stored.projectId, role: stored.role };
}
