import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createCsrfToken } from "../../accounts/csrf.ts";
import { emailSchema } from "../../accounts/email.ts";
import { type PasswordHash, passwordSchema, verifyPassword } from "../../accounts/passwords.ts";
import { SignInRateLimiter } from "../../accounts/rate-limit.ts";
import { clearedSessionCookie, sessionCookie, startSession } from "../../accounts/sessions.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { recordAudit } from "../../store/audit.ts";
import { deleteSession, insertSession } from "../../store/sessions.ts";
import { auditOf } from "../audit.ts";
import { type AuthContext, isSecure } from "../auth.ts";
import { caller } from "../route-access.ts";

const Account = z.object({ id: z.string(), email: z.string(), displayName: z.string() });
const SignedInBody = z.object({ ok: z.literal(true), account: Account, csrfToken: z.string() });

/** Sign in, see who is signed in, sign out. */
export function sessionRoutes(app: FastifyInstance, context: AuthContext): void {
  const limiter = new SignInRateLimiter({ clock: () => (context.now?.() ?? new Date()).getTime() });
  const route = app.withTypeProvider<ZodTypeProvider>();

  route.post(
    "/api/session",
    {
      config: { access: "public" },
      schema: {
        summary: "Sign in",
        description: "Sign in with email and password; sets the session cookie.",
        body: z.strictObject({ email: emailSchema, password: passwordSchema }),
        response: { 200: SignedInBody },
      },
    },
    async (request, reply) => {
      const email = request.body.email;
      const decision = limiter.attempt({ email, address: request.ip });
      if (!decision.allowed) {
        reply.header("retry-after", String(decision.retryAfterSeconds));
        throw new ControlRoomError(
          "E_RATE_LIMITED",
          `too many sign-in attempts; try again in ${decision.retryAfterSeconds} s`,
          "email",
        );
      }
      const account = await context.store.findAccountByEmail(email);
      const ok = await verifyPassword(
        request.body.password,
        account?.passwordHash as PasswordHash | undefined,
      );
      if (!account || !ok) {
        await context.store.recordAudit(
          auditOf(request, context, {
            event: "account.sign-in-refused",
            outcome: "refused",
            detail: { email },
          }),
        );
        throw new ControlRoomError(
          "E_UNAUTHENTICATED",
          "that email and password do not match an account",
          "email",
        );
      }
      limiter.succeeded(email);
      const { token, stored } = startSession(account.id, context.now?.() ?? new Date());
      await context.store.db.transaction(async (tx) => {
        await insertSession(tx, stored);
        await recordAudit(
          tx,
          auditOf(request, context, { actorId: account.id, event: "account.signed-in" }),
        );
      });
      reply.header("set-cookie", sessionCookie(token, { secure: isSecure(request) }));
      return {
        ok: true as const,
        account: { id: account.id, email: account.email, displayName: account.displayName },
        csrfToken: createCsrfToken(context.csrfSecret, stored.tokenHash),
      };
    },
  );

  route.get(
    "/api/session",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Who is signed in",
        description: "Who is signed in, and a CSRF token for changes.",
        response: { 200: SignedInBody },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      return {
        ok: true as const,
        account: signedIn.account,
        csrfToken: createCsrfToken(context.csrfSecret, signedIn.tokenHash),
      };
    },
  );

  route.delete(
    "/api/session",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Sign out",
        description: "Ends this session and clears its cookie.",
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const signedIn = caller(request);
      await deleteSession(context.store.db, signedIn.tokenHash);
      reply.header("set-cookie", clearedSessionCookie({ secure: isSecure(request) }));
      return { ok: true as const };
    },
  );
}
