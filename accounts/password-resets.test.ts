import { describe, expect, it } from "vitest";
import {
  checkPasswordReset,
  createPasswordReset,
  hashPasswordResetToken,
  PASSWORD_RESET_TTL_SECONDS,
  passwordResetLink,
} from "./password-resets.ts";

const now = new Date("2026-03-01T10:00:00Z");

describe("password reset links", () => {
  it("carry the token after # (never sent to a server log); only its hash is kept", () => {
    const { token, stored } = createPasswordReset("acc", now);
    expect(stored.tokenHash).toBe(hashPasswordResetToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(passwordResetLink("https://studio.example/", token)).toBe(
      `https://studio.example/reset#token=${token}`,
    );
  });

  it("work once, until they expire", () => {
    const { stored } = createPasswordReset("acc", now);
    expect(() => checkPasswordReset(stored, now)).not.toThrow();
    const end = new Date(now.getTime() + PASSWORD_RESET_TTL_SECONDS * 1000);
    expect(() => checkPasswordReset(stored, end)).toThrowError(
      expect.objectContaining({ code: "E_RESET_EXPIRED" }),
    );
    expect(() => checkPasswordReset({ ...stored, usedAt: now }, now)).toThrowError(
      expect.objectContaining({ code: "E_RESET_USED" }),
    );
    expect(() => checkPasswordReset(undefined, now)).toThrowError(
      expect.objectContaining({ code: "E_RESET_INVALID" }),
    );
  });
});
