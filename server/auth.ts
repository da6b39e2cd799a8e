import type { FastifyRequest } from "fastify";
import { accessTokenFromHeader, hashAccessToken } from "../accounts/access-tokens.ts";
import { toBase64Url } from "../accounts/bytes.ts";
import { CSRF_HEADER, needsCsrfToken, newCsrfSecret, verifyCsrfToken } from "../accounts/csrf.ts";
import {
  hashSessionToken,
  renewSession,
  type SessionToken,
  type SessionTokenHash,
  sessionCookie,
  sessionNeedsRenewal,
  sessionTokenFromCookies,
} from "../accounts/sessions.ts";
import { ControlRoomError } from "../music/errors.ts";
import { findLiveAccessToken, touchAccessToken } from "../store/access-tokens.ts";
import type { Role } from "../store/schema.ts";
import { findLiveSession, renewSessionRow } from "../store/sessions.ts";
import type { Store } from "../store/store.ts";
import type { ChangeFeed } from "./feed.ts";

/** How the caller proved who they are: a browser's session cookie, or an access token. */
export type Credential =
  | { kind: "session"; tokenHash: SessionTokenHash }
  | { kind: "access-token"; tokenId: string };

export interface SignedIn {
  account: { id: string; email: string; displayName: string };
  credential: Credential;
}

/** What every route that needs a person needs: the store, and the secret CSRF tokens are signed with. */
export interface AuthContext {
  store: Store;
  /** The studio's CSRF key, kept in the database (`store.csrfSecret()`), so restarts keep it. */
  csrfSecret: Uint8Array;
  /** Where committed saves are announced; none, and nobody is told. */
  feed?: ChangeFeed;
  now?: () => Date;
  /** Origins besides the server's own that may open the WebSocket feed (`https://host:port`). */
  allowedOrigins?: readonly string[];
}

/**
 * The studio's CSRF key: made once and kept in the database, so a CSRF token a page holds
 * still works after a restart and on every server process of the studio.
 */
export async function loadCsrfSecret(store: Store): Promise<Uint8Array> {
  const text = await store.studioSecret("csrf", () => toBase64Url(newCsrfSecret()));
  return new Uint8Array(Buffer.from(text, "base64url"));
}

export function isSecure(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

/** The Set-Cookie a request whose session was renewed answers with (see `sessionRoutes`). */
const renewedCookies = new WeakMap<FastifyRequest, string>();

export function renewedSessionCookie(request: FastifyRequest): string | undefined {
  return renewedCookies.get(request);
}

/**
 * The account behind the request: an `Authorization: Bearer` access token, or else the
 * session cookie; 401 without either. A request with a cookie that changes anything must also
 * carry the session's CSRF token in the x-csrf-token header, or 403. A bearer token needs no
 * CSRF token: a browser never attaches one on its own, which is what CSRF abuses.
 */
export async function requireSignedIn(
  request: FastifyRequest,
  context: AuthContext,
  /** A project (a valid UUID) to read the account's role on, in the same query. */
  projectId?: string,
): Promise<SignedIn & { role: Role | undefined }> {
  const now = context.now?.() ?? new Date();
  const bearer = accessTokenFromHeader(request.headers.authorization);
  if (bearer !== undefined) {
    const found = await findLiveAccessToken(
      context.store.db,
      hashAccessToken(bearer),
      now,
      projectId,
    );
    if (!found) {
      throw new ControlRoomError(
        "E_UNAUTHENTICATED",
        "this access token is unknown, revoked or expired",
        "authorization",
      );
    }
    await touchAccessToken(context.store.db, found.token, now);
    return {
      account: found.account,
      credential: { kind: "access-token", tokenId: found.token.id },
      role: found.role,
    };
  }
  const token = sessionTokenFromCookies(request.headers.cookie, isSecure(request));
  const tokenHash = token === undefined ? undefined : hashSessionToken(token);
  const found =
    tokenHash === undefined
      ? undefined
      : await findLiveSession(context.store.db, tokenHash, now, projectId);
  if (!found || tokenHash === undefined || token === undefined) {
    throw new ControlRoomError(
      "E_UNAUTHENTICATED",
      "sign in first: this needs a session",
      "session",
    );
  }
  if (needsCsrfToken(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    if (
      !verifyCsrfToken(
        context.csrfSecret,
        tokenHash,
        typeof presented === "string" ? presented : undefined,
      )
    ) {
      throw new ControlRoomError(
        "E_FORBIDDEN",
        `a change needs the session's CSRF token in the ${CSRF_HEADER} header`,
        CSRF_HEADER,
      );
    }
  }
  if (sessionNeedsRenewal(found.session.expiresAt, now)) {
    await renew(request, context, token, found.session, now);
  }
  return {
    account: found.account,
    credential: { kind: "session", tokenHash },
    role: found.role,
  };
}

/** Slides the session (and the browser's cookie) forward: a session in use does not end. */
async function renew(
  request: FastifyRequest,
  context: AuthContext,
  token: SessionToken,
  session: { tokenHash: string; accountId: string; createdAt: Date; expiresAt: Date },
  now: Date,
): Promise<void> {
  const renewed = renewSession(
    { ...session, tokenHash: session.tokenHash as SessionTokenHash },
    now,
  );
  await renewSessionRow(context.store.db, renewed.tokenHash, renewed.expiresAt);
  renewedCookies.set(request, sessionCookie(token, { secure: isSecure(request) }));
}
