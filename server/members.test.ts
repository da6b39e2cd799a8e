import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvitation, hashInvitationToken } from "../accounts/invitations.ts";
import { auditLog, invitations } from "../store/schema.ts";
import { PASSWORD, type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Members, invitations and the audit log over HTTP, on a real store. The server's log is
 * captured so the test can look for secrets in it.
 */
let studio: StudioUnderTest;
const logLines: string[] = [];
/** Every response body the test saw, to search for secrets. */
const bodies: string[] = [];

beforeAll(async () => {
  studio = await studioUnderTest(
    {
      pro: "producer",
      eng: "engineer",
      mus: "musician",
      view: "viewer",
      newbie: null,
      other: null,
      late: null,
    },
    { server: { logger: { level: "debug", stream: { write: (line) => logLines.push(line) } } } },
  );
}, 60_000);
afterAll(() => studio?.close());

/** One session each: signing in again and again would meet the sign-in rate limit. */
const sessions = new Map<string, { cookie: string; csrf: string }>();

async function call(
  who: string,
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  payload?: unknown,
) {
  let session = sessions.get(who);
  if (!session) {
    session = await studio.signIn(who);
    sessions.set(who, session);
  }
  const response = await studio.app.inject({
    method,
    url,
    headers: { cookie: session.cookie, "x-csrf-token": session.csrf },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  bodies.push(response.body);
  return response;
}

const project = () => `/api/projects/${studio.projectId}`;

describe("members", () => {
  it("shows every member who is on the project, in which role", async () => {
    const response = await call("view", "GET", `${project()}/members`);
    expect(response.statusCode).toBe(200);
    expect(
      response
        .json()
        .members.map((m: { displayName: string; role: string }) => [m.displayName, m.role]),
    ).toEqual([
      ["pro", "producer"],
      ["eng", "engineer"],
      ["mus", "musician"],
      ["view", "viewer"],
    ]);
  });

  it("never leaves the project without a producer", async () => {
    const pro = studio.accountId("pro");
    const eng = studio.accountId("eng");
    for (const [method, payload] of [
      ["PUT", { role: "engineer" }],
      ["DELETE", undefined],
    ] as const) {
      const refused = await call("pro", method, `${project()}/members/${pro}`, payload);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: "E_STORE_LAST_PRODUCER" });
      expect(refused.json().error.message).toContain("last producer");
    }
    // With a second producer, the first may step down, and then the second is the last.
    const promoted = await call("pro", "PUT", `${project()}/members/${eng}`, { role: "producer" });
    expect(promoted.json()).toEqual({
      ok: true,
      accountId: eng,
      role: "producer",
      previousRole: "engineer",
    });
    expect(
      (await call("pro", "PUT", `${project()}/members/${pro}`, { role: "engineer" })).statusCode,
    ).toBe(200);
    expect((await call("eng", "DELETE", `${project()}/members/${eng}`)).statusCode).toBe(409);
    await call("eng", "PUT", `${project()}/members/${pro}`, { role: "producer" });
    await call("pro", "PUT", `${project()}/members/${eng}`, { role: "engineer" });
    expect(await studio.store.memberRole(studio.projectId, pro)).toBe("producer");
    expect(await studio.store.memberRole(studio.projectId, eng)).toBe("engineer");
  });

  it("changes roles and removes members only for the producer, and only of this project", async () => {
    const mus = studio.accountId("mus");
    const forbidden = await call("eng", "PUT", `${project()}/members/${mus}`, { role: "viewer" });
    expect(forbidden.statusCode).toBe(403);
    const notMember = await call(
      "pro",
      "PUT",
      `${project()}/members/${studio.accountId("other")}`,
      {
        role: "viewer",
      },
    );
    expect(notMember.statusCode).toBe(404);
    expect(notMember.json().error.code).toBe("E_STORE_MEMBER_MISSING");
    const badRole = await call("pro", "PUT", `${project()}/members/${mus}`, { role: "boss" });
    expect(badRole.statusCode).toBe(400);
    const badId = await call("pro", "DELETE", `${project()}/members/not-an-id`);
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.subject).toBe("accountId");
  });
});

describe("invitations", () => {
  it("invite, accept, and become a member in the invited role; the token works once", async () => {
    const invited = await call("pro", "POST", `${project()}/invitations`, {
      email: "Newbie@Studio.test",
      role: "musician",
    });
    expect(invited.statusCode, invited.body).toBe(200);
    const { token, invitation } = invited.json();
    expect(invitation).toMatchObject({ email: "newbie@studio.test", role: "musician" });
    // Only the token's hash is kept.
    const [row] = await studio.store.db.select().from(invitations);
    expect(row.tokenHash).toBe(hashInvitationToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    expect((await call("newbie", "GET", project())).statusCode).toBe(404);
    const wrongPerson = await call("other", "POST", "/api/invitations/accept", { token });
    expect(wrongPerson.statusCode).toBe(403);
    expect(wrongPerson.json().error.code).toBe("E_INVITATION_EMAIL");

    const accepted = await call("newbie", "POST", "/api/invitations/accept", { token });
    expect(accepted.json()).toEqual({ ok: true, projectId: studio.projectId, role: "musician" });
    expect((await call("newbie", "GET", project())).json().role).toBe("musician");

    const again = await call("newbie", "POST", "/api/invitations/accept", { token });
    expect(again.statusCode).toBe(410);
    expect(again.json().error).toMatchObject({
      code: "E_INVITATION_USED",
      message: "this invitation has already been used or was withdrawn",
    });
  });

  it("refuses unknown and expired tokens with a clear 4xx", async () => {
    const unknown = await call("other", "POST", "/api/invitations/accept", {
      token: "x".repeat(43),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("E_INVITATION_INVALID");

    const longAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const { token, stored } = createInvitation({
      projectId: studio.projectId,
      email: "late@studio.test",
      role: "viewer",
      inviter: { accountId: studio.accountId("pro"), role: "producer" },
      now: longAgo,
    });
    await studio.store.createInvitation(stored);
    const expired = await call("late", "POST", "/api/invitations/accept", { token });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error).toMatchObject({ code: "E_INVITATION_EXPIRED" });
    expect(expired.json().error.message).toContain("expired");
    expect(await studio.store.memberRole(studio.projectId, studio.accountId("late"))).toBe(
      undefined,
    );
  });

  it("lets only the producer invite, never as producer, and not someone already on it", async () => {
    const byEngineer = await call("eng", "POST", `${project()}/invitations`, {
      email: "x@studio.test",
      role: "viewer",
    });
    expect(byEngineer.statusCode).toBe(403);
    const asProducer = await call("pro", "POST", `${project()}/invitations`, {
      email: "x@studio.test",
      role: "producer",
    });
    expect(asProducer.statusCode).toBe(400);
    expect(asProducer.json().error).toMatchObject({
      code: "E_ROLE_NOT_INVITABLE",
      subject: "role",
    });
    const member = await call("pro", "POST", `${project()}/invitations`, {
      email: "eng@studio.test",
      role: "viewer",
    });
    expect(member.statusCode).toBe(409);
    expect(member.json().error.message).toBe(
      "eng@studio.test is already on this project as engineer",
    );
    const notAnEmail = await call("pro", "POST", `${project()}/invitations`, {
      email: "nobody",
      role: "viewer",
    });
    expect(notAnEmail.statusCode).toBe(400);
  });
});

describe("the audit log", () => {
  it("records who changed what, for the producer's eyes only, without secrets", async () => {
    const mus = studio.accountId("mus");
    expect((await call("pro", "DELETE", `${project()}/members/${mus}`)).statusCode).toBe(200);
    expect((await call("mus", "GET", project())).statusCode).toBe(404);

    expect((await call("eng", "GET", `${project()}/audit`)).statusCode).toBe(403);
    expect((await call("other", "GET", `${project()}/audit`)).statusCode).toBe(404);
    const response = await call("pro", "GET", `${project()}/audit?limit=50`);
    expect(response.statusCode).toBe(200);
    const { entries } = response.json();
    const events = entries.map((e: { event: string; actorId: string }) => [e.event, e.actorId]);
    expect(events[0]).toEqual(["member.removed", studio.accountId("pro")]);
    expect(events).toContainEqual(["invitation.accepted", studio.accountId("newbie")]);
    expect(events).toContainEqual(["invitation.created", studio.accountId("pro")]);
    expect(events).toContainEqual(["member.role-changed", studio.accountId("eng")]);
    expect(entries[0]).toMatchObject({
      subject: `account:${mus}`,
      outcome: "done",
      address: "127.0.0.1",
      detail: { role: "musician" },
    });
    const page = await call("pro", "GET", `${project()}/audit?limit=2`);
    const next = await call(
      "pro",
      "GET",
      `${project()}/audit?limit=2&before=${page.json().before}`,
    );
    expect(next.json().entries[0].id).toBeLessThan(page.json().entries[1].id);
    expect((await call("pro", "GET", `${project()}/audit?limit=0`)).statusCode).toBe(400);
  });

  it("never shows a password, a session token or an invitation token in a response, the log or the audit log", async () => {
    const invited = await call("pro", "POST", `${project()}/invitations`, {
      email: "other@studio.test",
      role: "viewer",
    });
    const { token } = invited.json();
    await call("other", "POST", "/api/invitations/accept", { token });
    // A wrong password too: the refusal is logged and audited, the password is not.
    const wrong = "Wr0ng-password-that-must-not-leak";
    bodies.push(
      (
        await studio.app.inject({
          method: "POST",
          url: "/api/session",
          payload: { email: "pro@studio.test", password: wrong },
        })
      ).body,
    );
    const sessionToken = sessions.get("pro")!.cookie.split("=")[1];
    const audit = JSON.stringify(await studio.store.db.select().from(auditLog));
    expect(audit).toContain("account.sign-in-refused");
    expect(audit).toContain("account.signed-in");
    expect(logLines.length).toBeGreaterThan(10);
    const secrets = [PASSWORD, wrong, token, sessionToken];
    const seen = [
      ...bodies.filter((body) => body !== invited.body),
      logLines.join("\n"),
      audit,
    ].join("\n");
    for (const secret of secrets) expect(seen).not.toContain(secret);
    // The invitation's own answer is the one place its token is shown.
    expect(invited.body).toContain(token);
  });
});
