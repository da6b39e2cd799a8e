/**
 * The first start: the server has no accounts yet, so it creates the owner's and prints
 * how to sign in. Pure: the server hashes the password, stores the account and prints
 * `signInInstructions` to its terminal (not to the log).
 */

import { ControlRoomError } from "../music/errors.ts";
import { randomBytes } from "./bytes.ts";
import { emailSchema } from "./email.ts";
import { checkNewPassword, Password } from "./passwords.ts";

export interface FirstStartOwner {
  readonly email: string;
  readonly password: Password;
  /** True when Control Room made the password up; it is then shown once, at this start. */
  readonly passwordGenerated: boolean;
}

/** Crockford's base32 alphabet: no I, L, O or U, so nothing is misread when typed. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const GROUPS = 5;
const GROUP_LENGTH = 4;

/**
 * A password of 20 random base32 characters (100 bits) in groups of four:
 * `k3xm-9q2t-…`. 256 is a multiple of 32, so taking each byte modulo 32 is unbiased.
 */
export function generatePassword(): Password {
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = "";
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[bytes[g * GROUP_LENGTH + i] % 32];
    groups.push(group);
  }
  return Password.from(groups.join("-"));
}

/** The owner's account before it is stored: the email checked, a password chosen or made. */
export function firstStartOwner(options: { email: string; password?: Password }): FirstStartOwner {
  const email = emailSchema.safeParse(options.email);
  if (!email.success) {
    throw new ControlRoomError(
      "E_OWNER_EMAIL",
      "the owner's email address is not a valid email address",
      "email",
    );
  }
  if (options.password !== undefined) {
    return {
      email: email.data,
      password: checkNewPassword(options.password),
      passwordGenerated: false,
    };
  }
  return { email: email.data, password: generatePassword(), passwordGenerated: true };
}

/** What the server prints once on its first start. Shows a generated password, and only that. */
export function signInInstructions(owner: FirstStartOwner, url: string): string {
  const lines = [
    "Control Room has no accounts yet, so it created the owner's.",
    owner.passwordGenerated
      ? `Sign in at ${url} as ${owner.email} with the password ${owner.password.reveal()}`
      : `Sign in at ${url} as ${owner.email} with the password you chose.`,
  ];
  if (owner.passwordGenerated) {
    lines.push("Change it after signing in: this password is shown only this once.");
  }
  return lines.join("\n");
}
