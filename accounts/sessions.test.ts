import { describe, expect, it } from "vitest";
import {
  clearedSessionCookie,
  hashSessionToken,
  isSessionLive,
  newSessionToken,
  parseSessionToken,
  renewSession,
  SESSION_MAX_AGE_SECONDS,
  sessionCookie,
  sessionNeedsRenewal,
  sessionTokenFromCookies,
  startSession,
} from "./sessions.ts";

const now = new Date("2026-03-01T10:00:00Z");

describe("session tokens", () => {
  it("are 32 random bytes in base64url, different every time", () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newSessionToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("are stored as their SHA-256, never as themselves", () => {
    const { token, stored } = startSession("acc-1", now);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.tokenHash).toBe(hashSessionToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("hash as SHA-256 of the token text (FIPS 180-4 test vector 'abc')", () => {
    expect(hashSessionToken("abc" as ReturnType<typeof newSessionToken>)).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("expire after the maximum age and slide forward when renewed", () => {
    const { stored } = startSession("acc-1", now);
    const later = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
    expect(isSessionLive(stored, new Date(later.getTime() - 1))).toBe(true);
    expect(isSessionLive(stored, later)).toBe(false);
    const renewed = renewSession(stored, new Date(now.getTime() + 86_400_000));
    expect(isSessionLive(renewed, later)).toBe(true);
    expect(renewed.tokenHash).toBe(stored.tokenHash);
  });

  it("refuse anything that is not a well-formed token", () => {
    expect(parseSessionToken(undefined)).toBeUndefined();
    expect(parseSessionToken("short")).toBeUndefined();
    expect(parseSessionToken(`${"a".repeat(42)}=`)).toBeUndefined();
    expect(parseSessionToken("a".repeat(43))).toBe("a".repeat(43));
  });
});

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, Secure and __Host- prefixed over https", () => {
    const token = newSessionToken();
    expect(sessionCookie(token, { secure: true })).toBe(
      `__Host-controlroom_session=${token}; Path=/; Max-Age=${SESSION_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax; Secure`,
    );
  });

  it("leaves out Secure and the prefix over plain http (a local studio machine)", () => {
    const token = newSessionToken();
    const cookie = sessionCookie(token, { secure: false, maxAgeSeconds: 60 });
    expect(cookie).toBe(`controlroom_session=${token}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax`);
  });

  it("is cleared with an empty value and Max-Age=0", () => {
    expect(clearedSessionCookie({ secure: true })).toBe(
      "__Host-controlroom_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure",
    );
  });

  it("is read back from a Cookie header among others", () => {
    const token = newSessionToken();
    const header = `theme=dark; __Host-controlroom_session=${token}; lang=en`;
    expect(sessionTokenFromCookies(header, true)).toBe(token);
    expect(sessionTokenFromCookies(header, false)).toBeUndefined();
    expect(sessionTokenFromCookies("__Host-controlroom_session=../../etc", true)).toBeUndefined();
    expect(sessionTokenFromCookies(undefined, true)).toBeUndefined();
  });
});

describe("renewing a session in use", () => {
  it("happens once its expiry has not moved for an hour, not on every request", () => {
    const { stored } = startSession("acc-1", now);
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    expect(sessionNeedsRenewal(stored.expiresAt, minutes(59))).toBe(false);
    expect(sessionNeedsRenewal(stored.expiresAt, minutes(61))).toBe(true);
  });
});
