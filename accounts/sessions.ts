/**
 * Cookie sessions. The browser holds a random token; the database holds only its SHA-256,
 * so a leaked sessions table signs nobody in. A token is 32 random bytes (256 bits), which
 * is why a fast hash is enough here where a password needs argon2.
 */
import { randomBytes, sha256Hex, toBase64Url } from "./bytes.ts";

export const SESSION_TOKEN_BYTES = 32;
/** Fourteen days; every request within that may renew the session (`renewSession`). */
export const SESSION_MAX_AGE_SECONDS = 14 * 24 * 60 * 60;

/** What the cookie carries. Secret: never logged, never stored. */
export type SessionToken = string & { readonly __brand: "SessionToken" };
/** What the sessions table stores and is looked up by. */
export type SessionTokenHash = string & { readonly __brand: "SessionTokenHash" };

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): SessionToken {
  return toBase64Url(randomBytes(SESSION_TOKEN_BYTES)) as SessionToken;
}

/** A token from a cookie, or undefined when it cannot be one of ours. */
export function parseSessionToken(text: string | undefined): SessionToken | undefined {
  return text !== undefined && TOKEN.test(text) ? (text as SessionToken) : undefined;
}

export function hashSessionToken(token: SessionToken): SessionTokenHash {
  return sha256Hex(token) as SessionTokenHash;
}

export interface StoredSession {
  readonly tokenHash: SessionTokenHash;
  readonly accountId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** A new session: the token goes into the cookie, `stored` into the database. */
export function startSession(
  accountId: string,
  now: Date,
  maxAgeSeconds = SESSION_MAX_AGE_SECONDS,
): { token: SessionToken; stored: StoredSession } {
  const token = newSessionToken();
  return {
    token,
    stored: {
      tokenHash: hashSessionToken(token),
      accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000),
    },
  };
}

export function isSessionLive(session: StoredSession, now: Date): boolean {
  return now.getTime() < session.expiresAt.getTime();
}

/** Slides the expiry forward; the token stays the same. */
export function renewSession(
  session: StoredSession,
  now: Date,
  maxAgeSeconds = SESSION_MAX_AGE_SECONDS,
): StoredSession {
  return { ...session, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) };
}

/** A session in use is renewed at most this often, so most requests only read. */
export const SESSION_RENEWAL_SECONDS = 60 * 60;

/**
 * Whether a session in use should be renewed now: when its expiry has not been slid forward
 * for `SESSION_RENEWAL_SECONDS` (a fresh session expires `maxAgeSeconds` from now).
 */
export function sessionNeedsRenewal(
  expiresAt: Date,
  now: Date,
  maxAgeSeconds = SESSION_MAX_AGE_SECONDS,
): boolean {
  const left = expiresAt.getTime() - now.getTime();
  return left < (maxAgeSeconds - SESSION_RENEWAL_SECONDS) * 1000;
}

export interface CookieOptions {
  /** The site is served over https: the cookie is `Secure` and takes the `__Host-` prefix. */
  readonly secure: boolean;
  readonly maxAgeSeconds?: number;
}

/**
 * The session cookie's name. Over https it is `__Host-` prefixed (RFC 6265bis §4.1.3.2):
 * the browser then refuses it unless Secure, Path=/ and without Domain, so a subdomain
 * cannot plant one.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-controlroom_session" : "controlroom_session";
}

/** The `Set-Cookie` value that hands a browser its session. */
export function sessionCookie(token: SessionToken, options: CookieOptions): string {
  const maxAge = options.maxAgeSeconds ?? SESSION_MAX_AGE_SECONDS;
  return cookie(sessionCookieName(options.secure), token, maxAge, options.secure);
}

/** The `Set-Cookie` value that signs a browser out. */
export function clearedSessionCookie(options: Pick<CookieOptions, "secure">): string {
  return cookie(sessionCookieName(options.secure), "", 0, options.secure);
}

/** The session token from a request's `Cookie` header, if it holds a well-formed one. */
export function sessionTokenFromCookies(
  cookieHeader: string | undefined,
  secure: boolean,
): SessionToken | undefined {
  if (cookieHeader === undefined) return undefined;
  const name = sessionCookieName(secure);
  for (const pair of cookieHeader.split(";")) {
    const separator = pair.indexOf("=");
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    return parseSessionToken(pair.slice(separator + 1).trim());
  }
  return undefined;
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  // HttpOnly keeps the token from scripts; SameSite=Lax keeps it off cross-site POSTs
  // (the CSRF token in csrf.ts covers the rest).
  const attributes = [
    `${name}=${value}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}
