import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, auditLog, passwordResets } from "../store/schema.ts";
import { PASSWORD, type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * People over HTTP on a real store: signing up through an invitation, pending invitations,
 * changing a password, signing out everywhere, reset links, and the owner's accounts. Every
 * body and log line is kept, to look for secrets in.
 */
let studio: StudioUnderTest;
const logLines: string[] = [];
const bodies: string[] = [];
const NEW_PASSWORD = "a brand new passphrase for the studio";

beforeAll(async () => {
  studio = await studioUnderTest(
    { pro: "producer", eng: "engineer", boss: null, member: null, leaver: null },
    { server: { logger: { level: "debug", stream: { write: (line) => logLines.push(line) } } } },
  );
  await studio.store.db
    .update(accounts)
    .set({ studioOwner: true })
    .where(eq(accounts.id, studio.accountId("boss")));
}, 60_000);
afterAll(() => studio?.close());

type Session = { cookie: string; csrf: string };
const sessions = new Map<string, Session>();
async function sessionOf(who: string): Promise<Session> {
  let session = sessions.get(who);
  if (!session) {
    session = await studio.signIn(who);
    sessions.set(who, session);
  }
  return session;
}

async function send(
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  options: { as?: Session; payload?: object } = {},
) {
  const response = await studio.app.inject({
    method,
    url,
    headers: options.as ? { cookie: options.as.cookie, "x-csrf-token": options.as.csrf } : {},
    ...(options.payload ? { payload: options.payload } : {}),
  });
  bodies.push(response.body);
  return response;
}
const call = async (
  who: string,
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  payload?: object,
) => send(method, url, { as: await sessionOf(who), payload });

const project = () => `/api/projects/${studio.projectId}`;
const cookieOf = (response: { headers: Record<string, unknown> }) =>
  String(response.headers["set-cookie"]).split(";")[0];

async function invite(email: string, role = "engineer"): Promise<{ token: string; id: string }> {
  const invited = await call("pro", "POST", `${project()}/invitations`, { email, role });
  expect(invited.statusCode, invited.body).toBe(200);
  return { token: invited.json().token, id: invited.json().invitation.id };
}

describe("joining through an invitation", () => {
  it("tells the page who invited, to what, and whether the email has an account", async () => {
    const { token } = await invite("Newcomer@Studio.test");
    const looked = await send("POST", "/api/invitations/lookup", { payload: { token } });
    expect(looked.statusCode, looked.body).toBe(200);
    expect(looked.json()).toEqual({
      projectTitle: "Song",
      invitedBy: "pro",
      role: "engineer",
      email: "newcomer@studio.test",
      expiresAt: expect.any(String),
      accountExists: false,
    });
    const existing = await invite("member@studio.test", "viewer");
    const known = await send("POST", "/api/invitations/lookup", {
      payload: { token: existing.token },
    });
    expect(known.json().accountExists).toBe(true);
    const unknown = await send("POST", "/api/invitations/lookup", {
      payload: { token: "x".repeat(43) },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("E_INVITATION_INVALID");
  });

  it("creates the account, joins the project and signs in, in one step; the link works once", async () => {
    const { token } = await invite("fresh@studio.test", "musician");
    const short = await send("POST", "/api/invitations/sign-up", {
      payload: { token, displayName: "Fresh", password: "too short" },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe("E_PASSWORD_TOO_SHORT");

    const signedUp = await send("POST", "/api/invitations/sign-up", {
      payload: { token, displayName: "Fresh", password: PASSWORD },
    });
    expect(signedUp.statusCode, signedUp.body).toBe(200);
    expect(signedUp.json()).toMatchObject({
      ok: true,
      account: { email: "fresh@studio.test", displayName: "Fresh" },
      projectId: studio.projectId,
      role: "musician",
      csrfToken: expect.any(String),
    });
    const fresh = { cookie: cookieOf(signedUp), csrf: signedUp.json().csrfToken };
    const read = await send("GET", project(), { as: fresh });
    expect(read.json().role).toBe("musician");
    // The session works for changes too: the CSRF token it answered with is the session's.
    const change = await send("POST", "/api/account/tokens", { as: fresh, payload: { name: "x" } });
    expect(change.statusCode, change.body).toBe(200);

    const again = await send("POST", "/api/invitations/sign-up", {
      payload: { token, displayName: "Fresh again", password: PASSWORD },
    });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe("E_INVITATION_USED");
  });

  it("sends someone who has an account to sign in and accept instead", async () => {
    const { token } = await invite("leaver@studio.test", "viewer");
    const refused = await send("POST", "/api/invitations/sign-up", {
      payload: { token, displayName: "Someone", password: PASSWORD },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("E_STORE_EMAIL_TAKEN");
    const accepted = await call("leaver", "POST", "/api/invitations/accept", { token });
    expect(accepted.json()).toEqual({ ok: true, projectId: studio.projectId, role: "viewer" });
  });
});

describe("pending invitations", () => {
  it("are listed for the producer, and a withdrawn one stops working", async () => {
    const { token, id } = await invite("maybe@studio.test", "artist");
    const listed = await call("pro", "GET", `${project()}/invitations`);
    expect(listed.statusCode).toBe(200);
    const pending = listed.json().invitations;
    expect(pending).toContainEqual(
      expect.objectContaining({ id, email: "maybe@studio.test", role: "artist" }),
    );
    expect(JSON.stringify(pending)).not.toContain(token);
    expect((await call("eng", "GET", `${project()}/invitations`)).statusCode).toBe(403);
    expect((await call("eng", "DELETE", `${project()}/invitations/${id}`)).statusCode).toBe(403);

    expect((await call("pro", "DELETE", `${project()}/invitations/${id}`)).statusCode).toBe(200);
    const after = await call("pro", "GET", `${project()}/invitations`);
    expect(after.json().invitations.map((i: { id: string }) => i.id)).not.toContain(id);
    const withdrawn = await send("POST", "/api/invitations/lookup", { payload: { token } });
    expect(withdrawn.statusCode).toBe(410);
    const twice = await call("pro", "DELETE", `${project()}/invitations/${id}`);
    expect(twice.statusCode).toBe(410);
    const elsewhere = await call(
      "pro",
      "DELETE",
      `${project()}/invitations/00000000-0000-4000-8000-000000000000`,
    );
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe("E_INVITATION_MISSING");
  });
});

describe("your password and your sessions", () => {
  it("changes the password only with the current one, and ends the account's other sessions", async () => {
    const here = await studio.signIn("eng");
    const there = await studio.signIn("eng");
    const wrong = await send("PUT", "/api/account/password", {
      as: here,
      payload: { currentPassword: "not the password at all", newPassword: NEW_PASSWORD },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toMatchObject({
      code: "E_PASSWORD_WRONG",
      subject: "currentPassword",
    });
    const changed = await send("PUT", "/api/account/password", {
      as: here,
      payload: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await send("GET", "/api/session", { as: here })).statusCode).toBe(200);
    expect((await send("GET", "/api/session", { as: there })).statusCode).toBe(401);
    const old = await send("POST", "/api/session", {
      payload: { email: "eng@studio.test", password: PASSWORD },
    });
    expect(old.statusCode).toBe(401);
    const renewed = await send("POST", "/api/session", {
      payload: { email: "eng@studio.test", password: NEW_PASSWORD },
    });
    expect(renewed.statusCode).toBe(200);
  });

  it("signs out everywhere: every session of the account ends, this one too", async () => {
    const a = await studio.signIn("member");
    const b = await studio.signIn("member");
    const out = await send("POST", "/api/account/sign-out-everywhere", { as: a });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
    expect((await send("GET", "/api/session", { as: a })).statusCode).toBe(401);
    expect((await send("GET", "/api/session", { as: b })).statusCode).toBe(401);
  });
});

describe("reset links", () => {
  it("are issued by the owner only, set a new password once, and end the account's sessions", async () => {
    const before = await studio.signIn("leaver");
    const byProducer = await call(
      "pro",
      "POST",
      `/api/accounts/${studio.accountId("leaver")}/password-reset`,
    );
    expect(byProducer.statusCode).toBe(403);
    const issued = await call(
      "boss",
      "POST",
      `/api/accounts/${studio.accountId("leaver")}/password-reset`,
    );
    expect(issued.statusCode, issued.body).toBe(200);
    const link: string = issued.json().link;
    expect(link).toMatch(/^http:\/\/localhost(:\d+)?\/reset#token=[A-Za-z0-9_-]{43}$/);
    const token = link.split("#token=")[1];
    const [row] = await studio.store.db.select().from(passwordResets);
    expect(JSON.stringify(row)).not.toContain(token);

    const reset = await send("POST", "/api/password-reset", {
      payload: { token, password: NEW_PASSWORD },
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await send("GET", "/api/session", { as: before })).statusCode).toBe(401);
    const signIn = await send("POST", "/api/session", {
      payload: { email: "leaver@studio.test", password: NEW_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    const twice = await send("POST", "/api/password-reset", {
      payload: { token, password: "yet another passphrase, please" },
    });
    expect(twice.statusCode).toBe(410);
    expect(twice.json().error.code).toBe("E_RESET_USED");
    const bogus = await send("POST", "/api/password-reset", {
      payload: { token: "y".repeat(43), password: NEW_PASSWORD },
    });
    expect(bogus.statusCode).toBe(404);
  });
});

describe("the owner's accounts", () => {
  it("lists every account for the owner and nobody else", async () => {
    expect((await call("pro", "GET", "/api/accounts")).statusCode).toBe(403);
    const listed = await call("boss", "GET", "/api/accounts");
    expect(listed.statusCode).toBe(200);
    const emails = listed.json().accounts.map((a: { email: string }) => a.email);
    expect(emails).toEqual(expect.arrayContaining(["pro@studio.test", "boss@studio.test"]));
    expect(listed.body).not.toContain("$argon2");
  });

  it("disables an account: no sign-in, its sessions and tokens end, its membership and history stay", async () => {
    const session = await studio.signIn("pro");
    const token = (
      await send("POST", "/api/account/tokens", { as: session, payload: { name: "cli" } })
    ).json().token as string;
    const pro = studio.accountId("pro");
    const ownerSelf = await call(
      "boss",
      "POST",
      `/api/accounts/${studio.accountId("boss")}/disable`,
    );
    expect(ownerSelf.statusCode).toBe(409);
    const fresh = await studio.signIn("fresh");
    expect((await send("POST", `/api/accounts/${pro}/disable`, { as: fresh })).statusCode).toBe(
      403,
    );

    expect((await call("boss", "POST", `/api/accounts/${pro}/disable`)).statusCode).toBe(200);
    expect((await send("GET", "/api/session", { as: session })).statusCode).toBe(401);
    const withToken = await studio.app.inject({
      method: "GET",
      url: "/api/projects",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withToken.statusCode).toBe(401);
    const signIn = await send("POST", "/api/session", {
      payload: { email: "pro@studio.test", password: PASSWORD },
    });
    expect(signIn.statusCode).toBe(403);
    expect(signIn.json().error.code).toBe("E_ACCOUNT_DISABLED");
    expect(await studio.store.memberRole(studio.projectId, pro)).toBe("producer");
    const listed = await call("boss", "GET", "/api/accounts");
    expect(listed.json().accounts.find((a: { id: string }) => a.id === pro).disabledAt).toEqual(
      expect.any(String),
    );

    expect((await call("boss", "POST", `/api/accounts/${pro}/enable`)).statusCode).toBe(200);
    sessions.delete("pro");
    expect((await call("pro", "GET", project())).statusCode).toBe(200);
  });
});

describe("secrets", () => {
  it("never shows a password, a reset or invitation token in a later answer, the log or the audit log", async () => {
    const audit = await studio.store.db.select().from(auditLog);
    const events = audit.map((row) => row.action);
    for (const event of [
      "account.created",
      "account.password-changed",
      "account.signed-out-everywhere",
      "account.password-reset-issued",
      "account.password-reset",
      "account.disabled",
      "account.enabled",
      "invitation.revoked",
    ]) {
      expect(events, event).toContain(event);
    }
    const seen = [logLines.join("\n"), JSON.stringify(audit)].join("\n");
    for (const secret of [PASSWORD, NEW_PASSWORD]) expect(seen).not.toContain(secret);
    for (const body of bodies) {
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toContain(NEW_PASSWORD);
    }
    const tokens = bodies.flatMap((body) => {
      const found = /"(token|link)":"([^"]+)"/.exec(body);
      return found ? [found[2].split("#token=").pop() as string] : [];
    });
    expect(tokens.length).toBeGreaterThan(3);
    for (const token of tokens) {
      expect(logLines.join("\n")).not.toContain(token);
      expect(JSON.stringify(audit)).not.toContain(token);
    }
  });
});
