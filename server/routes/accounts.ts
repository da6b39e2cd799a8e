import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  checkPasswordReset,
  createPasswordReset,
  hashPasswordResetToken,
  PASSWORD_RESET_TTL_SECONDS,
  type PasswordResetToken,
  passwordResetLink,
} from "../../accounts/password-resets.ts";
import {
  checkNewPassword,
  hashPassword,
  type PasswordHash,
  passwordSchema,
  verifyPassword,
} from "../../accounts/passwords.ts";
import { clearedSessionCookie } from "../../accounts/sessions.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { type AuditRecord, recordAudit } from "../../store/audit.ts";
import { deleteAccountSessions } from "../../store/sessions.ts";
import type { Store } from "../../store/store.ts";
import { auditOf } from "../audit.ts";
import { type AuthContext, isSecure } from "../auth.ts";
import { caller } from "../route-access.ts";

const Ok = z.object({ ok: z.literal(true) });
const AccountParams = z.strictObject({ accountId: z.string() });

/**
 * Issues a one-time password reset link for the account with `email`: what the owner hands
 * over, since the studio sends no mail. Used by `controlroom account reset` and the owner's
 * route; the token is in the link only, its hash in the database.
 */
export async function issuePasswordReset(
  store: Store,
  options: {
    email: string;
    studioUrl: string;
    now: Date;
    audit: (accountId: string) => AuditRecord;
  },
): Promise<{ link: string; accountId: string; expiresAt: Date }> {
  const account = await store.findAccountByEmail(options.email);
  if (!account) {
    throw new ControlRoomError(
      "E_ACCOUNT_MISSING",
      `there is no account for ${options.email}`,
      "email",
    );
  }
  const { token, stored } = createPasswordReset(account.id, options.now);
  await store.createPasswordReset(stored, options.audit(account.id));
  return {
    link: passwordResetLink(options.studioUrl, token),
    accountId: account.id,
    expiresAt: stored.expiresAt,
  };
}

/** The studio's address as the caller reached it (through a trusted proxy, as forwarded). */
function studioUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/`;
}

/**
 * A person's own account (change the password, sign out everywhere), the reset link's page,
 * and the owner's keeping of accounts (list, disable, enable, issue a reset link).
 */
export function accountRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = () => context.now?.() ?? new Date();

  route.put(
    "/api/account/password",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Change your password",
        description:
          "Sets a new password (at least 15 characters) when the current one is right. Every other session of the account ends; this one stays. Access tokens stay.",
        body: z.strictObject({ currentPassword: passwordSchema, newPassword: passwordSchema }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      const newPassword = checkNewPassword(request.body.newPassword);
      const account = await context.store.findAccount(signedIn.account.id);
      if (
        !account ||
        !(await verifyPassword(request.body.currentPassword, account.passwordHash as PasswordHash))
      ) {
        await context.store.recordAudit(
          auditOf(request, context, {
            actorId: signedIn.account.id,
            event: "account.password-changed",
            outcome: "refused",
          }),
        );
        throw new ControlRoomError(
          "E_PASSWORD_WRONG",
          "the current password is not right",
          "currentPassword",
        );
      }
      const kept =
        signedIn.credential.kind === "session" ? signedIn.credential.tokenHash : undefined;
      await context.store.setPasswordHash(account.id, await hashPassword(newPassword), {
        endSessions: { except: kept },
        audit: auditOf(request, context, {
          actorId: account.id,
          event: "account.password-changed",
          subject: `account:${account.id}`,
        }),
      });
      context.feed?.publish({
        type: "access",
        accountId: account.id,
        reason: "password-changed",
        ...(kept === undefined ? {} : { kept }),
      });
      return { ok: true as const };
    },
  );

  route.post(
    "/api/account/sign-out-everywhere",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Sign out everywhere",
        description:
          "Ends every session of your account, this one included, on every device; their change feeds close (4401). Access tokens stay: revoke them one by one.",
        response: { 200: Ok },
      },
    },
    async (request, reply) => {
      const signedIn = caller(request);
      await context.store.db.transaction(async (tx) => {
        await deleteAccountSessions(tx, signedIn.account.id);
        await recordAudit(
          tx,
          auditOf(request, context, {
            actorId: signedIn.account.id,
            event: "account.signed-out-everywhere",
            subject: `account:${signedIn.account.id}`,
          }),
        );
      });
      context.feed?.publish({
        type: "access",
        accountId: signedIn.account.id,
        reason: "signed-out-everywhere",
      });
      reply.header("set-cookie", clearedSessionCookie({ secure: isSecure(request) }));
      return { ok: true as const };
    },
  );

  route.post(
    "/api/password-reset",
    {
      config: { access: "public" },
      schema: {
        summary: "Set a new password with a reset link",
        description: `Sets the password of the account a reset link was issued for (the token is the link's \`#token=\`). A link works once, for ${PASSWORD_RESET_TTL_SECONDS / 3600} hours; every session of the account ends. Then sign in with the new password.`,
        body: z.strictObject({ token: z.string().min(1).max(200), password: passwordSchema }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      const password = checkNewPassword(request.body.password);
      const at = now();
      const { accountId } = await context.store.usePasswordReset(
        hashPasswordResetToken(request.body.token as PasswordResetToken),
        at,
        await hashPassword(password),
        (reset) => checkPasswordReset(reset, at),
        (id) =>
          auditOf(request, context, {
            actorId: id,
            event: "account.password-reset",
            subject: `account:${id}`,
          }),
      );
      context.feed?.publish({ type: "access", accountId, reason: "password-changed" });
      return { ok: true as const };
    },
  );

  const AccountSummary = z.object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    studioOwner: z.boolean(),
    createdAt: z.string(),
    /** Null for an account that may sign in. */
    disabledAt: z.string().nullable(),
  });

  route.get(
    "/api/accounts",
    {
      config: { access: "owner" },
      schema: {
        summary: "List the studio's accounts",
        description: "Every account, oldest first: who they are and whether they are disabled.",
        response: { 200: z.object({ accounts: z.array(AccountSummary) }) },
      },
    },
    async () => {
      const accounts = await context.store.listAccounts();
      return {
        accounts: accounts.map((account) => ({
          id: account.id,
          email: account.email,
          displayName: account.displayName,
          studioOwner: account.studioOwner,
          createdAt: account.createdAt.toISOString(),
          disabledAt: account.disabledAt?.toISOString() ?? null,
        })),
      };
    },
  );

  route.post(
    "/api/accounts/:accountId/disable",
    {
      config: { access: "owner" },
      schema: {
        summary: "Disable an account",
        description:
          "The account can no longer sign in; its sessions and access tokens end and its feeds close. It stays a member of its projects, so their history keeps its name. The owner's own account cannot be disabled.",
        params: AccountParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      const signedIn = caller(request);
      await context.store.disableAccount(
        accountId,
        now(),
        auditOf(request, context, {
          actorId: signedIn.account.id,
          event: "account.disabled",
          subject: `account:${accountId}`,
        }),
      );
      context.feed?.publish({ type: "access", accountId, reason: "account-disabled" });
      return { ok: true as const };
    },
  );

  route.post(
    "/api/accounts/:accountId/enable",
    {
      config: { access: "owner" },
      schema: {
        summary: "Enable a disabled account",
        description: "The account may sign in again (with a new session; old ones stay ended).",
        params: AccountParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await context.store.enableAccount(
        accountId,
        auditOf(request, context, {
          actorId: caller(request).account.id,
          event: "account.enabled",
          subject: `account:${accountId}`,
        }),
      );
      return { ok: true as const };
    },
  );

  route.post(
    "/api/accounts/:accountId/password-reset",
    {
      config: { access: "owner" },
      schema: {
        summary: "Issue a password reset link",
        description:
          "A one-time link that sets a new password for the account, to hand over in person (the studio sends no mail). Shown once; only its hash is kept.",
        params: AccountParams,
        response: {
          200: z.object({ ok: z.literal(true), link: z.string(), expiresAt: z.string() }),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      const account = await context.store.findAccount(accountId);
      if (!account) {
        throw new ControlRoomError("E_ACCOUNT_MISSING", "there is no such account", "accountId");
      }
      const issued = await issuePasswordReset(context.store, {
        email: account.email,
        studioUrl: studioUrl(request),
        now: now(),
        audit: (id) =>
          auditOf(request, context, {
            actorId: caller(request).account.id,
            event: "account.password-reset-issued",
            subject: `account:${id}`,
          }),
      });
      return { ok: true as const, link: issued.link, expiresAt: issued.expiresAt.toISOString() };
    },
  );
}
