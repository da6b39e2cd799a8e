import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { firstStartOwner, generatePassword, signInInstructions } from "./owner.ts";
import { MIN_PASSWORD_LENGTH, Password } from "./passwords.ts";

describe("the first start", () => {
  it("generates a 100-bit password of four-letter groups that meets the policy", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const text = generatePassword().reveal();
      expect(text).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$/);
      expect(text.length).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
      seen.add(text);
    }
    expect(seen.size).toBe(50);
  });

  it("makes the owner with a generated password and says how to sign in", () => {
    const owner = firstStartOwner({ email: " Owner@Studio.example " });
    expect(owner.email).toBe("owner@studio.example");
    expect(owner.passwordGenerated).toBe(true);
    const text = signInInstructions(owner, "http://localhost:8080");
    expect(text).toBe(
      [
        "Control Room has no accounts yet, so it created the owner's.",
        `Sign in at http://localhost:8080 as owner@studio.example with the password ${owner.password.reveal()}`,
        "Change it after signing in: this password is shown only this once.",
      ].join("\n"),
    );
  });

  it("keeps a password the operator chose out of the instructions", () => {
    const chosen = "a long passphrase the operator chose";
    const owner = firstStartOwner({
      email: "owner@studio.example",
      password: Password.from(chosen),
    });
    expect(owner.passwordGenerated).toBe(false);
    const text = signInInstructions(owner, "https://studio.example");
    expect(text).not.toContain(chosen);
    expect(text).toContain("with the password you chose");
  });

  it("refuses a short chosen password and a bad email", () => {
    expect(() =>
      firstStartOwner({ email: "owner@studio.example", password: Password.from("short") }),
    ).toThrow(/at least 15/);
    expect(() => firstStartOwner({ email: "not an email" })).toThrow(/not a valid email/);
  });

  it("shows no password when the owner record is logged or serialised", () => {
    const owner = firstStartOwner({ email: "owner@studio.example" });
    const secret = owner.password.reveal();
    expect(JSON.stringify(owner)).not.toContain(secret);
    expect(inspect(owner)).not.toContain(secret);
    expect(String(owner.password)).not.toContain(secret);
  });
});
