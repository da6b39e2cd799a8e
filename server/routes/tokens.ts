import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createAccessToken,
  MAX_ACCESS_TOKEN_DAYS,
  MAX_ACCESS_TOKEN_NAME,
} from "../../accounts/access-tokens.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { AccessTokenRecord } from "../../store/access-tokens.ts";
import { auditOf } from "../audit.ts";
import type { AuthContext } from "../auth.ts";
import { caller } from "../route-access.ts";

const AccessTokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  /** Null: until revoked. */
  expiresAt: z.string().nullable(),
  /** To the hour; null when never used. */
  lastUsedAt: z.string().nullable(),
  expired: z.boolean(),
});

function summary(record: AccessTokenRecord, now: Date): z.infer<typeof AccessTokenSummary> {
  return {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    expired: record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime(),
  };
}

/**
 * Personal access tokens: a signed-in person makes one for a client that is not a browser
 * (`controlroom push`), sees it once, lists their tokens and revokes them. A request with
 * `Authorization: Bearer <token>` is that person, without cookies or CSRF tokens.
 */
export function tokenRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = () => context.now?.() ?? new Date();

  route.post(
    "/api/account/tokens",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Create an access token",
        description: `Makes a personal access token for a client that is not a browser: send it as \`Authorization: Bearer <token>\`. The answer shows the token once; only its hash is kept. \`expiresInDays\` (1–${MAX_ACCESS_TOKEN_DAYS}) or none for a token that lives until revoked. Only a session (signed in with the password) makes tokens, not another token.`,
        body: z.strictObject({
          name: z
            .string()
            .trim()
            .min(1)
            .max(MAX_ACCESS_TOKEN_NAME)
            .regex(/^\P{Cc}*$/u, "a name has no control characters"),
          expiresInDays: z.number().int().min(1).max(MAX_ACCESS_TOKEN_DAYS).optional(),
        }),
        response: {
          200: z.object({
            ok: z.literal(true),
            token: z.string(),
            accessToken: AccessTokenSummary,
          }),
        },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      if (signedIn.credential.kind !== "session") {
        throw new ControlRoomError(
          "E_FORBIDDEN",
          "an access token cannot make another; sign in with your password to make one",
          "authorization",
        );
      }
      const at = now();
      const { token, stored } = createAccessToken({
        accountId: signedIn.account.id,
        name: request.body.name,
        expiresInDays: request.body.expiresInDays,
        now: at,
      });
      const record = await context.store.createAccessToken(stored, (created) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          event: "access-token.created",
          subject: `access-token:${created.id}`,
          detail: { name: created.name, expiresAt: created.expiresAt },
        }),
      );
      return { ok: true as const, token, accessToken: summary(record, at) };
    },
  );

  route.get(
    "/api/account/tokens",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "List your access tokens",
        description:
          "Your personal access tokens, newest first: name, when made, when they expire and when last used. Never the tokens themselves.",
        response: { 200: z.object({ tokens: z.array(AccessTokenSummary) }) },
      },
    },
    async (request) => {
      const at = now();
      const tokens = await context.store.listAccessTokens(caller(request).account.id);
      return { tokens: tokens.map((record) => summary(record, at)) };
    },
  );

  route.delete(
    "/api/account/tokens/:tokenId",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Revoke an access token",
        description:
          "Deletes one of your access tokens: requests with it are refused from now on, and feeds opened with it close (4401).",
        params: z.strictObject({ tokenId: z.string() }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      const revoked = await context.store.revokeAccessToken(
        signedIn.account.id,
        request.params.tokenId,
        (record) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            event: "access-token.revoked",
            subject: `access-token:${record.id}`,
            detail: { name: record.name },
          }),
      );
      context.feed?.publish({
        type: "access",
        accountId: signedIn.account.id,
        reason: "token-revoked",
        ended: `token:${revoked.id}`,
      });
      return { ok: true as const };
    },
  );
}
