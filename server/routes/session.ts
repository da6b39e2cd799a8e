import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createCsrfToken } from "../../accounts/csrf.ts";
import { emailSchema } from "../../accounts/email.ts";
import {
  hashPassword,
  needsRehash,
  type PasswordHash,
  passwordSchema,
  verifyPassword,
} from "../../accounts/passwords.ts";
import {
  accountKey,
  addressKey,
  decideSignIn,
  type RateDecision,
} from "../../accounts/rate-limit.ts";
import {
  clearedSessionCookie,
  type SessionTokenHash,
  sessionCookie,
  startSession,
} from "../../accounts/sessions.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { recordAudit } from "../../store/audit.ts";
import { deleteSession, insertSession } from "../../store/sessions.ts";
import type { Store } from "../../store/store.ts";
import { auditOf } from "../audit.ts";
import { type AuthContext, isSecure, renewedSessionCookie } from "../auth.ts";
import { caller } from "../route-access.ts";

export const Account = z.object({ id: z.string(), email: z.string(), displayName: z.string() });
export const SignedInBody = z.object({
  ok: z.literal(true),
  account: Account,
  csrfToken: z.string(),
});

/** How often the server removes expired sessions, tokens, reset links and invitations. */
export const SWEEP_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Sign in, see who is signed in, sign out. Also what keeps sessions healthy on every route:
 * a renewed session's cookie goes out with the answer, and expired rows are swept.
 */
export function sessionRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = () => context.now?.() ?? new Date();

  app.addHook("onSend", async (request, reply, payload) => {
    const renewed = renewedSessionCookie(request);
    // A route that set a cookie of its own (sign-out) has the last word.
    if (renewed !== undefined && !reply.hasHeader("set-cookie")) {
      reply.header("set-cookie", renewed);
    }
    return payload;
  });
  const sweep = () =>
    context.store.sweepExpired(now()).catch((error: unknown) => {
      app.log.warn({ err: error }, "sweeping expired sessions failed");
    });
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweeper.unref();
  app.addHook("onClose", async () => clearInterval(sweeper));

  route.post(
    "/api/session",
    {
      config: { access: "public" },
      schema: {
        summary: "Sign in",
        description:
          "Sign in with email and password; sets the session cookie. 429 with Retry-After after too many attempts at one account or from one address, counted across every server process.",
        body: z.strictObject({ email: emailSchema, password: passwordSchema }),
        response: { 200: SignedInBody },
      },
    },
    async (request, reply) => {
      const email = request.body.email;
      const decision = await attemptSignIn(context.store, email, request.ip, now());
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
      if (account.disabledAt !== null) {
        await context.store.recordAudit(
          auditOf(request, context, {
            actorId: account.id,
            event: "account.sign-in-refused",
            outcome: "refused",
            detail: { email, disabled: true },
          }),
        );
        throw new ControlRoomError(
          "E_ACCOUNT_DISABLED",
          "this account is disabled; ask the studio's owner",
          "email",
        );
      }
      await context.store.forgetBucket(accountKey(email));
      // The password is at hand only now: a hash made under older argon2 parameters is
      // replaced by one under the current policy.
      if (needsRehash(account.passwordHash)) {
        await context.store.setPasswordHash(account.id, await hashPassword(request.body.password));
      }
      const { token, stored } = startSession(account.id, now());
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
        description:
          "Who is signed in, and a CSRF token for changes (a request with an access token needs none; it gets one all the same).",
        response: { 200: SignedInBody },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      return {
        ok: true as const,
        account: signedIn.account,
        csrfToken: createCsrfToken(
          context.csrfSecret,
          signedIn.credential.kind === "session"
            ? signedIn.credential.tokenHash
            : (`token:${signedIn.credential.tokenId}` as SessionTokenHash),
        ),
      };
    },
  );

  route.delete(
    "/api/session",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Sign out",
        description:
          "Ends this session and clears its cookie; its change feeds close (4401). An access token is revoked instead (DELETE /api/account/tokens/{tokenId}).",
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const signedIn = caller(request);
      if (signedIn.credential.kind !== "session") {
        throw new ControlRoomError(
          "E_SIGN_OUT_TOKEN",
          "an access token does not sign out; revoke it instead",
          "authorization",
        );
      }
      const tokenHash = signedIn.credential.tokenHash;
      await context.store.db.transaction(async (tx) => {
        await deleteSession(tx, tokenHash);
        await recordAudit(
          tx,
          auditOf(request, context, { actorId: signedIn.account.id, event: "account.signed-out" }),
        );
      });
      context.feed?.publish({
        type: "access",
        accountId: signedIn.account.id,
        reason: "signed-out",
        ended: tokenHash,
      });
      reply.header("set-cookie", clearedSessionCookie({ secure: isSecure(request) }));
      return { ok: true as const };
    },
  );
}

/**
 * One sign-in attempt against the limiter's buckets in the database (accounts/rate-limit.ts
 * decides), so the limit holds however many server processes share the studio.
 */
export function attemptSignIn(
  store: Store,
  email: string,
  address: string,
  now: Date,
): Promise<RateDecision> {
  const account = accountKey(email);
  const from = addressKey(address);
  return store.takeFromBuckets([account, from], (buckets) => {
    const decided = decideSignIn(
      { account: buckets.get(account), address: buckets.get(from) },
      now.getTime(),
    );
    return {
      result: decided.decision,
      keep: new Map([
        [account, decided.account],
        [from, decided.address],
      ]),
    };
  });
}
