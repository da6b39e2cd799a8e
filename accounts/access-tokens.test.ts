import { describe, expect, it } from "vitest";
import { accessTokenFromHeader, createAccessToken, hashAccessToken } from "./access-tokens.ts";

const now = new Date("2026-03-01T10:00:00Z");

describe("personal access tokens", () => {
  it("are crpat_ and 32 random bytes, kept as their SHA-256 only", () => {
    const { token, stored } = createAccessToken({ accountId: "a", name: " laptop ", now });
    expect(token).toMatch(/^crpat_[A-Za-z0-9_-]{43}$/);
    expect(stored).toMatchObject({ name: "laptop", expiresAt: null, createdAt: now });
    expect(stored.tokenHash).toBe(hashAccessToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("expire after the days asked for, 1 to 366", () => {
    const { stored } = createAccessToken({ accountId: "a", name: "ci", now, expiresInDays: 30 });
    expect(stored.expiresAt?.toISOString()).toBe("2026-03-31T10:00:00.000Z");
    for (const days of [0, 367, 1.5]) {
      expect(() =>
        createAccessToken({ accountId: "a", name: "ci", now, expiresInDays: days }),
      ).toThrowError(expect.objectContaining({ code: "E_ACCESS_TOKEN_EXPIRY" }));
    }
  });

  it("need a printable name", () => {
    for (const name of ["", "   ", "a\u0000b", "x".repeat(101)]) {
      expect(() => createAccessToken({ accountId: "a", name, now })).toThrowError(
        expect.objectContaining({ code: "E_ACCESS_TOKEN_NAME" }),
      );
    }
  });

  it("are read from an Authorization: Bearer header, and anything else there is refused", () => {
    const { token } = createAccessToken({ accountId: "a", name: "x", now });
    expect(accessTokenFromHeader(undefined)).toBeUndefined();
    expect(accessTokenFromHeader(`Bearer ${token}`)).toBe(token);
    expect(accessTokenFromHeader(`bearer  ${token}`)).toBe(token);
    for (const header of ["Basic dXNlcjpwdw==", "Bearer", `Bearer ${token}x`, token]) {
      expect(() => accessTokenFromHeader(header)).toThrowError(
        expect.objectContaining({ code: "E_UNAUTHENTICATED" }),
      );
    }
  });
});
