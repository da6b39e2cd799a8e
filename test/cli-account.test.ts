import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashPasswordResetToken } from "../accounts/password-resets.ts";
import { hashPassword, Password } from "../accounts/passwords.ts";
import { buildServer } from "../server/app.ts";
import { loadCsrfSecret } from "../server/auth.ts";
import { openStore } from "../store/node/open-store.ts";
import { auditLog, passwordResets } from "../store/schema.ts";
import { controlroom } from "./support/cli.ts";
import { tempDir } from "./support/projects.ts";

describe("controlroom account reset", () => {
  it("prints a one-time link that sets a new password, keeping only its hash", async () => {
    const data = path.join(await tempDir("controlroom-account-"), "data");
    const store = await openStore({ dataDir: data });
    await store.createAccount({
      email: "singer@studio.test",
      displayName: "Singer",
      passwordHash: await hashPassword(Password.from("the password that was forgotten")),
    });
    await store.close();

    const result = controlroom(
      "account",
      "reset",
      "Singer@Studio.test",
      "--data",
      data,
      "--url",
      "https://studio.example/",
    );
    expect(result.status, result.stderr).toBe(0);
    const link = /https:\/\/studio\.example\/reset#token=([A-Za-z0-9_-]{43})/.exec(result.stdout);
    expect(link, result.stdout).not.toBeNull();
    const token = link?.[1] ?? "";

    const unknown = controlroom("account", "reset", "nobody@studio.test", "--data", data);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("E_ACCOUNT_MISSING");
    expect(controlroom("account", "promote", "x@y.z", "--data", data).status).toBe(2);

    const reopened = await openStore({ dataDir: data });
    try {
      const rows = await reopened.db.select().from(passwordResets);
      expect(rows.map((row) => row.tokenHash)).toEqual([hashPasswordResetToken(token)]);
      const audit = await reopened.db.select().from(auditLog);
      expect(audit.map((row) => row.action)).toContain("account.password-reset-issued");
      expect(JSON.stringify(audit)).not.toContain(token);
      // The link works on the studio, once.
      const app = await buildServer({
        auth: { store: reopened, csrfSecret: await loadCsrfSecret(reopened) },
      });
      const password = "a new passphrase for the singer";
      const reset = () =>
        app.inject({ method: "POST", url: "/api/password-reset", payload: { token, password } });
      expect((await reset()).statusCode).toBe(200);
      expect((await reset()).statusCode).toBe(410);
      const signIn = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { email: "singer@studio.test", password },
      });
      expect(signIn.statusCode).toBe(200);
      await app.close();
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
