import { describe, expect, it } from "vitest";
import { createCsrfToken, needsCsrfToken, newCsrfSecret, verifyCsrfToken } from "./csrf.ts";
import { startSession } from "./sessions.ts";

const now = new Date("2026-03-01T10:00:00Z");

describe("CSRF tokens", () => {
  const secret = newCsrfSecret();
  const session = startSession("acc-1", now).stored.tokenHash;

  it("verify for the session they were made for", () => {
    const token = createCsrfToken(secret, session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyCsrfToken(secret, session, token)).toBe(true);
  });

  it("differ every time and all stay valid", () => {
    const a = createCsrfToken(secret, session);
    const b = createCsrfToken(secret, session);
    expect(a).not.toBe(b);
    expect(verifyCsrfToken(secret, session, a)).toBe(true);
    expect(verifyCsrfToken(secret, session, b)).toBe(true);
  });

  it("fail for another session", () => {
    const other = startSession("acc-2", now).stored.tokenHash;
    expect(verifyCsrfToken(secret, other, createCsrfToken(secret, session))).toBe(false);
  });

  it("fail under another server secret", () => {
    expect(verifyCsrfToken(newCsrfSecret(), session, createCsrfToken(secret, session))).toBe(false);
  });

  it("fail when missing, malformed or tampered with", () => {
    const token = createCsrfToken(secret, session);
    const [nonce, mac] = token.split(".");
    expect(verifyCsrfToken(secret, session, undefined)).toBe(false);
    expect(verifyCsrfToken(secret, session, "")).toBe(false);
    expect(verifyCsrfToken(secret, session, mac)).toBe(false);
    expect(verifyCsrfToken(secret, session, `.${mac}`)).toBe(false);
    expect(verifyCsrfToken(secret, session, `${nonce}x.${mac}`)).toBe(false);
    const flipped = mac.endsWith("A") ? "B" : "A";
    expect(verifyCsrfToken(secret, session, `${nonce}.${mac.slice(0, -1)}${flipped}`)).toBe(false);
    expect(verifyCsrfToken(secret, session, `${token}.${mac}`)).toBe(false);
    expect(verifyCsrfToken(secret, session, "x".repeat(10_000))).toBe(false);
  });

  it("are needed by every method except GET, HEAD and OPTIONS", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"])
      expect(needsCsrfToken(method)).toBe(false);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"])
      expect(needsCsrfToken(method)).toBe(true);
  });
});
