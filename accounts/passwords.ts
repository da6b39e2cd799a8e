/**
 * Password hashing with argon2id (RFC 9106) through @node-rs/argon2, stored as the
 * standard PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
 *
 * A password travels as a `Password`, never as a bare string: printing it, putting it in a
 * template or serialising it to JSON shows `[redacted]`. Only `reveal()` gives the text,
 * for the hash function and for the one-time first-start notice.
 */
import { type Algorithm, hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { ControlRoomError } from "../music/errors.ts";

const REDACTED = "[redacted]";

/** NIST SP 800-63B-4 §3.1.1.2: at least 15 characters when a password is the only factor. */
export const MIN_PASSWORD_LENGTH = 15;
/** Long enough for any passphrase, short enough that nobody feeds argon2 megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

export class Password {
  readonly #text: string;

  private constructor(text: string) {
    this.#text = text;
  }

  /**
   * Wraps what someone typed. NFKC-normalised (SP 800-63B-4 §3.1.1.2) so the same
   * password typed on another keyboard hashes the same. Accepts any length up to the
   * maximum, since signing in must still work for passwords set under an older policy.
   */
  static from(text: string): Password {
    const normalised = text.normalize("NFKC");
    if ([...normalised].length > MAX_PASSWORD_LENGTH) {
      throw new ControlRoomError(
        "E_PASSWORD_TOO_LONG",
        `a password has at most ${MAX_PASSWORD_LENGTH} characters`,
        "password",
      );
    }
    return new Password(normalised);
  }

  /** The text itself: only for hashing, and for showing a generated password once. */
  reveal(): string {
    return this.#text;
  }

  get length(): number {
    return [...this.#text].length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Password(${REDACTED})`;
  }
}

/** A request body field: a string, handed on as a `Password`. zod does not echo the input. */
export const passwordSchema = z
  .string()
  .max(MAX_PASSWORD_LENGTH * 4)
  .refine((text) => [...text.normalize("NFKC")].length <= MAX_PASSWORD_LENGTH, {
    message: `a password has at most ${MAX_PASSWORD_LENGTH} characters`,
  })
  .transform((text) => Password.from(text));

/** Throws when a new password (sign-up, change, reset) is too short. */
export function checkNewPassword(password: Password): Password {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ControlRoomError(
      "E_PASSWORD_TOO_SHORT",
      `a password needs at least ${MIN_PASSWORD_LENGTH} characters, this one has ${password.length}`,
      "password",
    );
  }
  if (password.reveal().trim() === "") {
    throw new ControlRoomError("E_PASSWORD_BLANK", "a password cannot be only spaces", "password");
  }
  return password;
}

/** A PHC-format argon2id string as stored in the accounts table. */
export type PasswordHash = string & { readonly __brand: "PasswordHash" };

export interface Argon2Parameters {
  /** `m`, in KiB. */
  readonly memoryKiB: number;
  /** `t`, the number of passes. */
  readonly passes: number;
  /** `p`, the lanes. */
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB, t = 2, p = 1. */
export const PASSWORD_HASH_PARAMETERS: Argon2Parameters = {
  memoryKiB: 19_456,
  passes: 2,
  parallelism: 1,
};

const SALT_BYTES = 16;
const OUTPUT_BYTES = 32;
// @node-rs/argon2 declares Algorithm as an ambient const enum, which erasable TypeScript
// cannot reference by name; Argon2id is 2 in its declaration.
const ARGON2ID = 2 as Algorithm;
const PHC =
  /^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{16,})$/;

export async function hashPassword(
  password: Password,
  parameters: Argon2Parameters = PASSWORD_HASH_PARAMETERS,
): Promise<PasswordHash> {
  const encoded = await hash(password.reveal(), {
    algorithm: ARGON2ID,
    memoryCost: parameters.memoryKiB,
    timeCost: parameters.passes,
    parallelism: parameters.parallelism,
    outputLen: OUTPUT_BYTES,
  });
  return encoded as PasswordHash;
}

export interface PhcArgon2id extends Argon2Parameters {
  readonly saltBytes: number;
  readonly outputBytes: number;
}

/** Reads a stored hash; undefined when it is not an argon2id v19 PHC string. */
export function readPasswordHash(stored: string): PhcArgon2id | undefined {
  const match = PHC.exec(stored);
  if (match === null) return undefined;
  return {
    memoryKiB: Number(match[1]),
    passes: Number(match[2]),
    parallelism: Number(match[3]),
    saltBytes: Math.floor((match[4].length * 3) / 4),
    outputBytes: Math.floor((match[5].length * 3) / 4),
  };
}

export function isPasswordHash(stored: string): stored is PasswordHash {
  return readPasswordHash(stored) !== undefined;
}

// Verified against when there is no account, so an unknown email takes as long as a
// wrong password and sign-in does not reveal which addresses have accounts.
let decoy: Promise<PasswordHash> | undefined;

/**
 * Whether `password` matches `stored`. The comparison inside argon2 is constant-time
 * (the `password-hash` crate compares outputs with `subtle`). Pass `undefined` for an
 * unknown account: the same work is done and the answer is false.
 */
export async function verifyPassword(
  password: Password,
  stored: PasswordHash | undefined,
): Promise<boolean> {
  if (stored === undefined) {
    decoy ??= hashPassword(Password.from("control room decoy password"));
    await verify(await decoy, password.reveal());
    return false;
  }
  if (!isPasswordHash(stored)) {
    throw new ControlRoomError(
      "E_PASSWORD_HASH_MALFORMED",
      "the stored password hash is not an argon2id PHC string",
      "password_hash",
    );
  }
  return verify(stored, password.reveal());
}

/**
 * True when a stored hash was made with other parameters than the current policy (or is
 * not argon2id at all): after a successful sign-in, hash the password again and store it.
 */
export function needsRehash(
  stored: string,
  parameters: Argon2Parameters = PASSWORD_HASH_PARAMETERS,
): boolean {
  const read = readPasswordHash(stored);
  if (read === undefined) return true;
  return (
    read.memoryKiB !== parameters.memoryKiB ||
    read.passes !== parameters.passes ||
    read.parallelism !== parameters.parallelism ||
    read.saltBytes < SALT_BYTES ||
    read.outputBytes < OUTPUT_BYTES
  );
}
