// "Passwords are never logged or returned": every helper's output, serialised the way a
// server would send or log it, is searched for the secrets that went in.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { auditEntry } from "./audit.ts";
import { createCsrfToken, newCsrfSecret } from "./csrf.ts";
import { createInvitation } from "./invitations.ts";
import { firstStartOwner } from "./owner.ts";
import {
  checkNewPassword,
  hashPassword,
  Password,
  passwordSchema,
  verifyPassword,
} from "./passwords.ts";
import { redactSecrets } from "./redact.ts";
import { startSession } from "./sessions.ts";

const secret = "Pa55word-that-must-never-leak";
const now = new Date("2026-03-01T10:00:00Z");

function everyForm(value: unknown): string {
  return [JSON.stringify(value), inspect(value, { depth: 10 }), String(value)].join("\n");
}

describe("no helper returns or logs a password or token", () => {
  it("holds for the password helpers", async () => {
    const password = Password.from(secret);
    const stored = await hashPassword(password);
    const outputs = [
      password,
      { password },
      stored,
      await verifyPassword(password, stored),
      passwordSchema.safeParse(secret),
      passwordSchema.safeParse(secret.repeat(100)),
    ];
    for (const output of outputs) expect(everyForm(output)).not.toContain(secret);
  });

  it("holds for errors about passwords", () => {
    const errors: unknown[] = [];
    for (const run of [
      () => checkNewPassword(Password.from("Pa55-short")),
      () => Password.from(secret.repeat(60)),
    ]) {
      try {
        run();
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(everyForm(error)).not.toContain("Pa55");
      expect(everyForm(redactSecrets(error))).not.toContain("Pa55");
    }
  });

  it("holds for what is stored for sessions and invitations, and for CSRF tokens", () => {
    const session = startSession("acc-1", now);
    expect(everyForm(session.stored)).not.toContain(session.token);
    const invitation = createInvitation({
      projectId: "p",
      email: "a@b.example",
      role: "viewer",
      inviter: { accountId: "acc-1", role: "producer" },
      now,
    });
    expect(everyForm(invitation.stored)).not.toContain(invitation.token);
    expect(createCsrfToken(newCsrfSecret(), session.stored.tokenHash)).not.toContain(session.token);
  });

  it("holds for the first-start owner record and the audit log", () => {
    const owner = firstStartOwner({
      email: "owner@studio.example",
      password: Password.from(secret),
    });
    expect(everyForm(owner)).not.toContain(secret);
    const entry = auditEntry({
      at: now,
      event: "account.password-changed",
      outcome: "done",
      detail: { owner, request: { body: { currentPassword: secret, newPassword: secret } } },
    });
    expect(everyForm(entry)).not.toContain(secret);
  });
});
