import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { emailSchema } from "../../accounts/email.ts";
import {
  acceptInvitation,
  createInvitation,
  hashInvitationToken,
  type InvitationTokenHash,
} from "../../accounts/invitations.ts";
import { roleSchema } from "../../accounts/roles.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Invitation } from "../../store/invitations.ts";
import { auditOf } from "../audit.ts";
import type { AuthContext } from "../auth.ts";
import { caller, callerRole } from "../route-access.ts";

const Params = z.strictObject({ projectId: z.string() });
const MemberParams = z.strictObject({ projectId: z.string(), accountId: z.string() });
const Ok = z.object({ ok: z.literal(true) });

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
    closedAt: invitation.acceptedAt,
  };
}
