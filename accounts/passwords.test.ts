import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../music/errors.ts";
import {
  checkNewPassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  needsRehash,
  PASSWORD_HASH_PARAMETERS,
  Password,
  type PasswordHash,
  passwordSchema,
  readPasswordHash,
  verifyPassword,
} from "./passwords.ts";

const plain = "correct horse battery staple";

describe("passwords", () => {
  it("hashes to an argon2id PHC string with the OWASP parameters and a 16-byte salt", async () => {
    const stored = await hashPassword(Password.from(plain));
    expect(stored).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(readPasswordHash(stored)).toEqual({
      ...PASSWORD_HASH_PARAMETERS,
      saltBytes: 16,
      outputBytes: 32,
    });
    expect(stored).not.toContain(plain);
  });

  it("salts every hash, so one password hashes differently twice", async () => {
    const a = await hashPassword(Password.from(plain));
    const b = await hashPassword(Password.from(plain));
    expect(a).not.toBe(b);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword(Password.from(plain));
    expect(await verifyPassword(Password.from(plain), stored)).toBe(true);
    expect(await verifyPassword(Password.from(`${plain}!`), stored)).toBe(false);
    expect(await verifyPassword(Password.from("Correct horse battery staple"), stored)).toBe(false);
  });

  it("matches a password typed in another Unicode form (NFKC)", async () => {
    const composed = "café au lait, bien chaud";
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    const stored = await hashPassword(Password.from(composed));
    expect(await verifyPassword(Password.from(decomposed), stored)).toBe(true);
  });

  it("answers false for an unknown account after doing the same work", async () => {
    expect(await verifyPassword(Password.from(plain), undefined)).toBe(false);
  });

  it("refuses a stored hash that is not argon2id", async () => {
    const bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW" as PasswordHash;
    await expect(verifyPassword(Password.from(plain), bcrypt)).rejects.toMatchObject({
      code: "E_PASSWORD_HASH_MALFORMED",
    });
  });

  it("asks for a rehash when the parameters are not the current policy", async () => {
    const current = await hashPassword(Password.from(plain));
    expect(needsRehash(current)).toBe(false);
    const weak = await hashPassword(Password.from(plain), {
      memoryKiB: 8192,
      passes: 1,
      parallelism: 1,
    });
    expect(needsRehash(weak)).toBe(true);
    expect(await verifyPassword(Password.from(plain), weak)).toBe(true);
    expect(
      needsRehash(
        "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
      ),
    ).toBe(true);
    expect(needsRehash("not a hash")).toBe(true);
    expect(needsRehash(current, { memoryKiB: 47_104, passes: 1, parallelism: 1 })).toBe(true);
  });

  it("never shows the password when printed, interpolated, inspected or serialised", () => {
    const password = Password.from(plain);
    expect(String(password)).toBe("[redacted]");
    expect(`${password}`).toBe("[redacted]");
    expect(JSON.stringify({ password })).toBe('{"password":"[redacted]"}');
    expect(inspect({ password })).not.toContain(plain);
    expect(Object.keys(password)).toEqual([]);
    expect(password.reveal()).toBe(plain);
  });

  it("needs 15 characters for a new password, without echoing it", () => {
    const short = Password.from("hunter2hunter2");
    let error: unknown;
    try {
      checkNewPassword(short);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ControlRoomError);
    expect((error as ControlRoomError).code).toBe("E_PASSWORD_TOO_SHORT");
    expect((error as ControlRoomError).message).not.toContain("hunter2");
    expect(checkNewPassword(Password.from("a".repeat(15))).length).toBe(15);
    expect(() => checkNewPassword(Password.from(" ".repeat(20)))).toThrow(/only spaces/);
  });

  it("refuses passwords longer than the maximum before hashing", () => {
    expect(() => Password.from("x".repeat(MAX_PASSWORD_LENGTH + 1))).toThrow(ControlRoomError);
  });

  it("parses a request field into a Password and reports errors without the input", () => {
    const parsed = passwordSchema.parse(plain);
    expect(parsed).toBeInstanceOf(Password);
    const failed = passwordSchema.safeParse(12345);
    expect(failed.success).toBe(false);
    const huge = "s3cret".repeat(1000);
    const tooLong = passwordSchema.safeParse(huge);
    expect(tooLong.success).toBe(false);
    expect(JSON.stringify(tooLong.error?.issues)).not.toContain("s3cret");
    const overMaximum = passwordSchema.safeParse("s3cret".repeat(200));
    expect(overMaximum.success).toBe(false);
    expect(JSON.stringify(overMaximum.error?.issues)).not.toContain("s3cret");
  });
});
