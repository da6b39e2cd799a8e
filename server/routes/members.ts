import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createCsrfToken } from "../../accounts/csrf.ts";
import { emailSchema } from "../../accounts/email.ts";
import {
  acceptInvitation,
  createInvitation,
  hashInvitationToken,
  type InvitationTokenHash,
} from "../../accounts/invitations.ts";
import { checkNewPassword, hashPassword, passwordSchema } from "../../accounts/passwords.ts";
import { roleSchema } from "../../accounts/roles.ts";
import { type StoredSession, sessionCookie, startSession } from "../../accounts/sessions.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Invitation } from "../../store/invitations.ts";
import { auditOf } from "../audit.ts";
import { type AuthContext, isSecure } from "../auth.ts";
import { caller, callerRole } from "../route-access.ts";
import { SignedInBody } from "./session.ts";

const Params = z.strictObject({ projectId: z.string() });
const MemberParams = z.strictObject({ projectId: z.string(), accountId: z.string() });
const Ok = z.object({ ok: z.literal(true) });
const InvitationParams = z.strictObject({ projectId: z.string(), invitationId: z.string() });
const InvitationToken = z.string().min(1).max(200);

/**
 * Who is on a project: the list, invitations (the token is shown once, only its hash is
 * kept), accepting one, changing a role and removing someone. A project always keeps a
 * producer; the store refuses the change that would leave it without one.
 */
export function memberRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = () => context.now?.() ?? new Date();

  route.get(
    "/api/projects/:projectId/members",
    {
      config: { access: { project: "members.read" } },
      schema: {
        summary: "List the members",
        description: "Who is on the project, in which role.",
        params: Params,
        response: {
          200: z.object({
            members: z.array(
              z.object({
                accountId: z.string(),
                displayName: z.string(),
                email: z.string(),
                role: roleSchema,
                addedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const members = await context.store.listMembers(projectId);
      return {
        members: members.map((member) => ({
          ...member,
          addedAt: member.addedAt.toISOString(),
        })),
      };
    },
  );

  route.post(
    "/api/projects/:projectId/invitations",
    {
      config: { access: { project: "members.invite" } },
      schema: {
        summary: "Invite someone",
        description:
          "Invites an email address in a role (not producer: promote a member instead). The answer carries the invitation's token, once; only its hash is kept.",
        params: Params,
        body: z.strictObject({ email: emailSchema, role: roleSchema }),
        response: {
          200: z.object({
            ok: z.literal(true),
            invitation: z.object({
              id: z.string(),
              email: z.string(),
              role: roleSchema,
              expiresAt: z.string(),
            }),
            token: z.string(),
            link: z
              .string()
              .describe(
                "The link to send the invitee: the studio's invitation page with the token after #, which browsers never send to a server.",
              ),
          }),
        },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const { email, role } = request.body;
      const signedIn = caller(request);
      const inviterRole = callerRole(request);
      const invitee = await context.store.findAccountByEmail(email);
      const already = invitee && (await context.store.memberRole(projectId, invitee.id));
      if (already) {
        throw new ControlRoomError(
          "E_STORE_MEMBER_EXISTS",
          `${email} is already on this project as ${already}`,
          "email",
        );
      }
      const { token, stored } = createInvitation({
        projectId,
        email,
        role,
        inviter: { accountId: signedIn.account.id, role: inviterRole },
        now: now(),
      });
      const id = await context.store.createInvitation(stored, (invitationId) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "invitation.created",
          subject: `invitation:${invitationId}`,
          detail: { email: stored.email, role, expiresAt: stored.expiresAt },
        }),
      );
      return {
        ok: true as const,
        invitation: { id, email: stored.email, role, expiresAt: stored.expiresAt.toISOString() },
        token,
        link: `${request.protocol}://${request.host}/invitation#token=${encodeURIComponent(token)}`,
      };
    },
  );

  route.post(
    "/api/invitations/accept",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Accept an invitation",
        description:
          "The signed-in account accepts an invitation sent to its email and joins the project in the invitation's role.",
        body: z.strictObject({ token: z.string().min(1).max(200) }),
        response: {
          200: z.object({ ok: z.literal(true), projectId: z.string(), role: roleSchema }),
        },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      const { token } = request.body;
      const at = now();
      const accepted = await context.store.acceptInvitation(
        hashInvitationToken(token),
        signedIn.account.id,
        at,
        (found) => {
          acceptInvitation(found && asStored(found), {
            token,
            accountEmail: signedIn.account.email,
            now: at,
          });
        },
        (invitation) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId: invitation.projectId,
            event: "invitation.accepted",
            subject: `invitation:${invitation.id}`,
            detail: { role: invitation.role, invitedBy: invitation.invitedBy },
          }),
      );
      return { ok: true as const, projectId: accepted.projectId, role: accepted.role };
    },
  );

  route.put(
    "/api/projects/:projectId/members/:accountId",
    {
      config: { access: { project: "members.manage" } },
      schema: {
        summary: "Change a member's role",
        description:
          "Gives a member another role. 409 when it would leave the project without a producer.",
        params: MemberParams,
        body: z.strictObject({ role: roleSchema }),
        response: {
          200: Ok.extend({ accountId: z.string(), role: roleSchema, previousRole: roleSchema }),
        },
      },
    },
    async (request) => {
      const { projectId, accountId } = request.params;
      const { role } = request.body;
      const signedIn = caller(request);
      const previousRole = await context.store.changeMemberRole(
        projectId,
        accountId,
        role,
        (previous) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "member.role-changed",
            subject: `account:${accountId}`,
            detail: { from: previous, to: role },
          }),
      );
      return { ok: true as const, accountId, role, previousRole };
    },
  );

  route.delete(
    "/api/projects/:projectId/members/:accountId",
    {
      config: { access: { project: "members.manage" } },
      schema: {
        summary: "Remove a member",
        description: "Takes someone off the project. 409 when they are its last producer.",
        params: MemberParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { projectId, accountId } = request.params;
      const signedIn = caller(request);
      await context.store.removeMember(projectId, accountId, (previous) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "member.removed",
          subject: `account:${accountId}`,
          detail: { role: previous },
        }),
      );
      // Their open feeds of the project close, on every server process.
      context.feed?.publish({ type: "access", accountId, projectId, reason: "member-removed" });
      return { ok: true as const };
    },
  );

  route.post(
    "/api/invitations/lookup",
    {
      config: { access: "public" },
      schema: {
        summary: "Look an invitation up",
        description:
          "What the invitation page shows before anyone signs in: who invited, to which project, in which role, for which email, until when, and whether an account exists for that email (then sign in and accept; else sign up). The token travels in the body, never in a URL, so it stays out of logs. 404 for an unknown token, 410 for a used, withdrawn or expired one.",
        body: z.strictObject({ token: InvitationToken }),
        response: {
          200: z.object({
            projectTitle: z.string(),
            invitedBy: z.string().nullable(),
            role: roleSchema,
            email: z.string(),
            expiresAt: z.string(),
            accountExists: z.boolean(),
          }),
        },
      },
    },
    async (request) => {
      const { token } = request.body;
      const found = await context.store.findInvitationDetails(hashInvitationToken(token));
      checkOpen(found && asStored(found.invitation), token, now());
      if (!found) throw new Error("checkOpen lets no unknown invitation through");
      return {
        projectTitle: found.projectTitle,
        invitedBy: found.inviterName,
        role: found.invitation.role,
        email: found.invitation.email,
        expiresAt: found.invitation.expiresAt.toISOString(),
        accountExists: found.accountExists,
      };
    },
  );

  route.post(
    "/api/invitations/sign-up",
    {
      config: { access: "public" },
      schema: {
        summary: "Sign up through an invitation",
        description:
          "Someone without an account creates one (name and password, at least 15 characters; the email is the invitation's) and joins the project in the invitation's role, in one step. Answers like sign-in: sets the session cookie and returns the CSRF token. 409 when the email already has an account: sign in and accept instead.",
        body: z.strictObject({
          token: InvitationToken,
          displayName: z
            .string()
            .trim()
            .min(1)
            .max(100)
            .regex(/^\P{Cc}*$/u, "a name has no control characters"),
          password: passwordSchema,
        }),
        response: { 200: SignedInBody.extend({ projectId: z.string(), role: roleSchema }) },
      },
    },
    async (request, reply) => {
      const { token, displayName } = request.body;
      const password = checkNewPassword(request.body.password);
      const passwordHash = await hashPassword(password);
      const at = now();
      let session: StoredSession | undefined;
      let sessionToken: ReturnType<typeof startSession>["token"] | undefined;
      const { invitation, account } = await context.store.signUpWithInvitation(
        hashInvitationToken(token),
        at,
        (found) => checkOpen(found && asStored(found), token, at),
        (found) => ({ email: found.email, displayName, passwordHash }),
        (created) => {
          const started = startSession(created.id, at);
          session = started.stored;
          sessionToken = started.token;
          return started.stored;
        },
        (accepted, created) => [
          auditOf(request, context, {
            actorId: created.id,
            event: "account.created",
            subject: `account:${created.id}`,
            detail: { through: `invitation:${accepted.id}` },
          }),
          auditOf(request, context, {
            actorId: created.id,
            projectId: accepted.projectId,
            event: "invitation.accepted",
            subject: `invitation:${accepted.id}`,
            detail: { role: accepted.role, invitedBy: accepted.invitedBy },
          }),
        ],
      );
      if (!session || !sessionToken) throw new Error("the sign-up started no session");
      reply.header("set-cookie", sessionCookie(sessionToken, { secure: isSecure(request) }));
      return {
        ok: true as const,
        account: { id: account.id, email: account.email, displayName: account.displayName },
        csrfToken: createCsrfToken(context.csrfSecret, session.tokenHash),
        projectId: invitation.projectId,
        role: invitation.role,
      };
    },
  );

  route.get(
    "/api/projects/:projectId/invitations",
    {
      config: { access: { project: "members.invite" } },
      schema: {
        summary: "List pending invitations",
        description:
          "The project's invitations nobody has accepted or withdrawn yet and that have not expired. Never their tokens.",
        params: Params,
        response: {
          200: z.object({
            invitations: z.array(
              z.object({
                id: z.string(),
                email: z.string(),
                role: roleSchema,
                invitedBy: z.string().nullable(),
                createdAt: z.string(),
                expiresAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const pending = await context.store.listPendingInvitations(request.params.projectId, now());
      return {
        invitations: pending.map((invitation) => ({
          id: invitation.id,
          email: invitation.email,
          role: invitation.role,
          invitedBy: invitation.invitedBy,
          createdAt: invitation.createdAt.toISOString(),
          expiresAt: invitation.expiresAt.toISOString(),
        })),
      };
    },
  );

  route.delete(
    "/api/projects/:projectId/invitations/:invitationId",
    {
      config: { access: { project: "members.invite" } },
      schema: {
        summary: "Withdraw an invitation",
        description:
          "The invitation's link stops working (410). 404 for an invitation this project does not have, 410 for one already accepted or withdrawn.",
        params: InvitationParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { projectId, invitationId } = request.params;
      const signedIn = caller(request);
      await context.store.revokeInvitation(projectId, invitationId, now(), (invitation) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "invitation.revoked",
          subject: `invitation:${invitation.id}`,
          detail: { email: invitation.email, role: invitation.role },
        }),
      );
      return { ok: true as const };
    },
  );
}

/** The store's row in the shape accounts/invitations.ts checks. */
function asStored(invitation: Invitation) {
  return {
    tokenHash: invitation.tokenHash as InvitationTokenHash,
    projectId: invitation.projectId,
    email: invitation.email,
    role: invitation.role,
    invitedBy: invitation.invitedBy ?? "",
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    closedAt: invitation.acceptedAt ?? invitation.revokedAt,
  };
}

/**
 * Throws unless the invitation can still be used: the checks of accepting it, without an
 * account yet (so without the email check; a sign-up takes the invitation's email).
 */
function checkOpen(stored: ReturnType<typeof asStored> | undefined, token: string, at: Date): void {
  acceptInvitation(stored, { token, accountEmail: stored?.email ?? "", now: at });
}
