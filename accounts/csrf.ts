/**
 * CSRF protection for cookie sessions: the signed double-submit token of the OWASP CSRF
 * Prevention Cheat Sheet, bound to the session.
 *
 * The server hands the page a token (in a response body, or a non-HttpOnly cookie the
 * page reads) and every request that changes something sends it back in the
 * `x-csrf-token` header. The token is `random.HMAC(secret, sessionTokenHash.random)`:
 * another site can neither read it nor make one, and a token from another session fails.
 */
import { constantTimeEqual, hmacSha256Base64Url, randomBytes, toBase64Url } from "./bytes.ts";
import type { SessionTokenHash } from "./sessions.ts";

export const CSRF_HEADER = "x-csrf-token";
export const CSRF_SECRET_BYTES = 32;
const NONCE_BYTES = 16;

export type CsrfToken = string & { readonly __brand: "CsrfToken" };

/** The server's key for CSRF tokens; kept with the server's settings, never sent out. */
export function newCsrfSecret(): Uint8Array {
  return randomBytes(CSRF_SECRET_BYTES);
}

export function createCsrfToken(secret: Uint8Array, session: SessionTokenHash): CsrfToken {
  const nonce = toBase64Url(randomBytes(NONCE_BYTES));
  return `${nonce}.${signature(secret, session, nonce)}` as CsrfToken;
}

/** Whether `presented` was made by `createCsrfToken` for this session with this secret. */
export function verifyCsrfToken(
  secret: Uint8Array,
  session: SessionTokenHash,
  presented: string | undefined,
): boolean {
  if (presented === undefined || presented.length > 200) return false;
  const parts = presented.split(".");
  if (parts.length !== 2 || parts[0] === "") return false;
  const [nonce, mac] = parts;
  return constantTimeEqual(mac, signature(secret, session, nonce));
}

/** GET, HEAD and OPTIONS change nothing (RFC 9110 §9.2.1), so they need no token. */
export function needsCsrfToken(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}

function signature(secret: Uint8Array, session: SessionTokenHash, nonce: string): string {
  return hmacSha256Base64Url(secret, `${session}.${nonce}`);
}
