/**
 * Personal access tokens: what a client that is not a browser (`controlroom push`, a script)
 * signs in with. The account holder makes one, sees it once, and sends it as
 * `Authorization: Bearer <token>`. The database keeps only its SHA-256 (a token is 32
 * random bytes, so a fast hash is enough, as for sessions), its name and its expiry.
 *
 * A token starts with `crpat_`, so a secret scanner (or a person) can tell what leaked.
 */
import { ControlRoomError } from "../music/errors.ts";
import { randomBytes, sha256Hex, toBase64Url } from "./bytes.ts";

export const ACCESS_TOKEN_PREFIX = "crpat_";
/** The longest a token may live; a token without an expiry lives until it is revoked. */
export const MAX_ACCESS_TOKEN_DAYS = 366;
export const MAX_ACCESS_TOKEN_NAME = 100;

export type AccessToken = string & { readonly __brand: "AccessToken" };
export type AccessTokenHash = string & { readonly __brand: "AccessTokenHash" };

const TOKEN = /^crpat_[A-Za-z0-9_-]{43}$/;

export interface NewAccessToken {
  readonly accountId: string;
  readonly name: string;
  readonly tokenHash: AccessTokenHash;
  readonly createdAt: Date;
  /** Null: until revoked. */
  readonly expiresAt: Date | null;
}

/** A new token for `accountId`: the token is shown once, `stored` goes into the database. */
export function createAccessToken(request: {
  readonly accountId: string;
  readonly name: string;
  readonly now: Date;
  /** Days it lives; undefined for a token that lives until revoked. */
  readonly expiresInDays?: number;
}): { token: AccessToken; stored: NewAccessToken } {
  const name = request.name.trim();
  // Control characters (NUL above all, which PostgreSQL refuses in text) name nothing.
  if (name.length === 0 || name.length > MAX_ACCESS_TOKEN_NAME || /\p{Cc}/u.test(name)) {
    throw new ControlRoomError(
      "E_ACCESS_TOKEN_NAME",
      `a token needs a name of 1 to ${MAX_ACCESS_TOKEN_NAME} printable characters, saying what uses it`,
      "name",
    );
  }
  const days = request.expiresInDays;
  if (
    days !== undefined &&
    !(Number.isInteger(days) && days >= 1 && days <= MAX_ACCESS_TOKEN_DAYS)
  ) {
    throw new ControlRoomError(
      "E_ACCESS_TOKEN_EXPIRY",
      `a token expires after 1 to ${MAX_ACCESS_TOKEN_DAYS} whole days, not ${days}`,
      "expiresInDays",
    );
  }
  const token = `${ACCESS_TOKEN_PREFIX}${toBase64Url(randomBytes(32))}` as AccessToken;
  return {
    token,
    stored: {
      accountId: request.accountId,
      name,
      tokenHash: hashAccessToken(token),
      createdAt: request.now,
      expiresAt:
        days === undefined ? null : new Date(request.now.getTime() + days * 24 * 3600 * 1000),
    },
  };
}

export function hashAccessToken(token: AccessToken): AccessTokenHash {
  return sha256Hex(token) as AccessTokenHash;
}

/**
 * The token in an `Authorization: Bearer` header (RFC 6750 §2.1), undefined when there is no
 * such header, and an error when there is one that is not one of our tokens: a client that
 * sent credentials is told they are wrong rather than treated as anonymous.
 */
export function accessTokenFromHeader(header: string | undefined): AccessToken | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match === null || !TOKEN.test(match[1])) {
    throw new ControlRoomError(
      "E_UNAUTHENTICATED",
      "the Authorization header holds no access token; send `Bearer crpat_…`",
      "authorization",
    );
  }
  return match[1] as AccessToken;
}
