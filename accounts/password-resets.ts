/**
 * Password reset links. There is no mail server, so the studio's owner issues one
 * (`controlroom account reset <email>`) and hands it over. The link carries a random token
 * after `#`, so it never reaches a server log; the database keeps only its SHA-256. A link
 * works once, within `PASSWORD_RESET_TTL_SECONDS`.
 */
import { ControlRoomError } from "../music/errors.ts";
import { randomBytes, sha256Hex, toBase64Url } from "./bytes.ts";

/** A day: long enough to hand the link over, short enough that an old one is dead. */
export const PASSWORD_RESET_TTL_SECONDS = 24 * 60 * 60;

export type PasswordResetToken = string & { readonly __brand: "PasswordResetToken" };

export interface StoredPasswordReset {
  readonly tokenHash: string;
  readonly accountId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export function createPasswordReset(
  accountId: string,
  now: Date,
  ttlSeconds = PASSWORD_RESET_TTL_SECONDS,
): { token: PasswordResetToken; stored: StoredPasswordReset } {
  const token = toBase64Url(randomBytes(32)) as PasswordResetToken;
  return {
    token,
    stored: {
      tokenHash: hashPasswordResetToken(token),
      accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      usedAt: null,
    },
  };
}

export function hashPasswordResetToken(token: string): string {
  return sha256Hex(token);
}

/** The page that reads the token from the fragment and asks for the new password. */
export function passwordResetLink(studioUrl: string, token: PasswordResetToken): string {
  return `${studioUrl.replace(/\/+$/, "")}/reset#token=${token}`;
}

/** Throws unless the reset may be used now; the same error for unknown and wrong tokens. */
export function checkPasswordReset(stored: StoredPasswordReset | undefined, now: Date): void {
  if (stored === undefined) {
    throw new ControlRoomError("E_RESET_INVALID", "this password reset link is not valid", "token");
  }
  if (stored.usedAt !== null) {
    throw new ControlRoomError(
      "E_RESET_USED",
      "this password reset link has already been used; ask the studio's owner for a new one",
      "token",
    );
  }
  if (now.getTime() >= stored.expiresAt.getTime()) {
    throw new ControlRoomError(
      "E_RESET_EXPIRED",
      "this password reset link has expired; ask the studio's owner for a new one",
      "token",
    );
  }
}
