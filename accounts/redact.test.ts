import { describe, expect, it } from "vitest";
import { auditEntry } from "./audit.ts";
import { Password } from "./passwords.ts";
import { isSecretName, REDACTED, redactSecrets } from "./redact.ts";

describe("redacting secrets", () => {
  it("replaces secret-named fields at any depth, in objects and arrays", () => {
    const detail = {
      email: "ana@studio.example",
      password: "hunter2hunter2hunter2",
      nested: {
        profile: { newPassword: "another secret value", name: "Ana" },
        sessions: [{ sessionToken: "tok-1", id: 1 }, { csrf_token: "tok-2" }],
      },
      headers: { Authorization: "Bearer abc", cookie: "controlroom_session=xyz", accept: "*/*" },
      apiKey: "k",
      client_secret: "s",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$abc$def",
    };
    expect(redactSecrets(detail)).toEqual({
      email: "ana@studio.example",
      password: REDACTED,
      nested: {
        profile: { newPassword: REDACTED, name: "Ana" },
        sessions: [{ sessionToken: REDACTED, id: 1 }, { csrf_token: REDACTED }],
      },
      headers: { Authorization: REDACTED, cookie: REDACTED, accept: "*/*" },
      apiKey: REDACTED,
      client_secret: REDACTED,
      passwordHash: REDACTED,
    });
  });

  it("redacts a Password and an argon2 hash wherever they sit, whatever the field is called", () => {
    const value = {
      typed: Password.from("typed into the wrong field"),
      list: ["$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "fine"],
      map: new Map([["note", Password.from("in a map")]]),
    };
    const json = JSON.stringify(redactSecrets(value));
    expect(json).not.toContain("typed into");
    expect(json).not.toContain("in a map");
    expect(json).not.toContain("$argon2");
    expect(json).toContain("fine");
  });

  it("turns any value into plain JSON data: dates, cycles, errors, bytes, bigints", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const shared = { id: 7 };
    expect(
      redactSecrets({
        at: new Date("2026-03-01T10:00:00Z"),
        cyclic,
        twice: [shared, shared],
        error: new Error("disk full"),
        bytes: new Uint8Array([1, 2, 3]),
        big: 10n,
        nothing: undefined,
        fn: () => 1,
        nan: Number.NaN,
      }),
    ).toEqual({
      at: "2026-03-01T10:00:00.000Z",
      cyclic: { name: "loop", self: "[cut]" },
      twice: [{ id: 7 }, { id: 7 }],
      error: { name: "Error", message: "disk full" },
      bytes: REDACTED,
      big: "10",
      nothing: null,
      fn: null,
      nan: null,
    });
  });

  it("knows secret names however they are written", () => {
    for (const name of [
      "password",
      "PASSWORD",
      "new_password",
      "x-csrf-token",
      "Set-Cookie",
      "refreshToken",
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ["email", "role", "projectId", "budgetLine", "contentHash"]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe("audit entries", () => {
  it("record who changed what, with the detail redacted", () => {
    const entry = auditEntry({
      at: new Date("2026-03-01T10:00:00Z"),
      actorId: "acc-producer",
      projectId: "proj-a",
      event: "budget.edit",
      subject: "budget-line:42",
      outcome: "done",
      address: "203.0.113.7",
      detail: { from: { amount: 1200 }, to: { amount: 1500 }, token: "leaked" },
    });
    expect(entry).toEqual({
      at: "2026-03-01T10:00:00.000Z",
      actorId: "acc-producer",
      projectId: "proj-a",
      event: "budget.edit",
      subject: "budget-line:42",
      outcome: "done",
      address: "203.0.113.7",
      detail: { from: { amount: 1200 }, to: { amount: 1500 }, token: REDACTED },
    });
  });

  it("record a refused sign-in without the password that was tried", () => {
    const tried = Password.from("a password somebody tried");
    const entry = auditEntry({
      at: new Date("2026-03-01T10:00:00Z"),
      event: "account.sign-in-refused",
      outcome: "refused",
      detail: { email: "ana@studio.example", password: tried, body: { password: tried.reveal() } },
    });
    expect(JSON.stringify(entry)).not.toContain("somebody tried");
    expect(entry.actorId).toBeNull();
    expect(entry.projectId).toBeNull();
  });
});
