import type { FastifyRequest } from "fastify";
import { CSRF_HEADER, needsCsrfToken, verifyCsrfToken } from "../accounts/csrf.ts";
import {
  hashSessionToken,
  type SessionTokenHash,
  sessionTokenFromCookies,
} from "../accounts/sessions.ts";
import { ControlRoomError } from "../music/errors.ts";
import type { Role } from "../store/schema.ts";
import { findLiveSession } from "../store/sessions.ts";
import type { Store } from "../store/store.ts";
import type { ChangeFeed } from "./feed.ts";

export interface SignedIn {
  account: { id: string; email: string; displayName: string };
  tokenHash: SessionTokenHash;
}

/** What every route that needs a person needs: the store, and the secret CSRF tokens are signed with. */
export interface AuthContext {
  store: Store;
  csrfSecret: Uint8Array;
  /** Where committed saves are announced; none, and nobody is told. */
  feed?: ChangeFeed;
  now?: () => Date;
}

export function isSecure(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

/**
 * The account behind the request's session cookie, or 401. A request that changes anything
 * must also carry the session's CSRF token in the x-csrf-token header, or 403.
 */
export async function requireSignedIn(
  request: FastifyRequest,
  context: AuthContext,
  /** A project (a valid UUID) to read the account's role on, in the same query. */
  projectId?: string,
): Promise<SignedIn & { role: Role | undefined }> {
  const token = sessionTokenFromCookies(request.headers.cookie, isSecure(request));
  const tokenHash = token === undefined ? undefined : hashSessionToken(token);
  const found =
    tokenHash === undefined
      ? undefined
      : await findLiveSession(
          context.store.db,
          tokenHash,
          context.now?.() ?? new Date(),
          projectId,
        );
  if (!found || tokenHash === undefined) {
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
  return { account: found.account, tokenHash, role: found.role };
}
