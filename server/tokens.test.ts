import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashAccessToken } from "../accounts/access-tokens.ts";
import { accessTokens, auditLog } from "../store/schema.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/** Personal access tokens over HTTP, on a real store. */
let studio: StudioUnderTest;
let pro: { cookie: string; csrf: string };
const logLines: string[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  studio = await studioUnderTest(
    { pro: "producer", outsider: null },
    { server: { logger: { level: "debug", stream: { write: (line) => logLines.push(line) } } } },
  );
  pro = await studio.signIn("pro");
}, 60_000);
afterAll(() => studio?.close());

async function call(
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  headers: Record<string, string>,
  payload?: object,
) {
  const response = await studio.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  bodies.push(response.body);
  return response;
}

const withSession = () => ({ cookie: pro.cookie, "x-csrf-token": pro.csrf });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function makeToken(name: string, expiresInDays?: number): Promise<string> {
  const made = await call("POST", "/api/account/tokens", withSession(), {
    name,
    ...(expiresInDays === undefined ? {} : { expiresInDays }),
  });
  expect(made.statusCode, made.body).toBe(200);
  return made.json().token;
}

describe("personal access tokens", () => {
  it("are shown once, kept as their hash, and sign their holder in without cookie or CSRF token", async () => {
    const made = await call("POST", "/api/account/tokens", withSession(), {
      name: "laptop push",
      expiresInDays: 30,
    });
    expect(made.statusCode, made.body).toBe(200);
    const { token, accessToken } = made.json();
    expect(token).toMatch(/^crpat_[A-Za-z0-9_-]{43}$/);
    expect(accessToken).toMatchObject({ name: "laptop push", expired: false, lastUsedAt: null });
    const rows = await studio.store.db.select().from(accessTokens);
    expect(rows.map((row) => row.tokenHash)).toEqual([hashAccessToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);

    const read = await call("GET", `/api/projects/${studio.projectId}`, bearer(token));
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().role).toBe("producer");
    // A change with the token alone: no CSRF token is asked for.
    const saved = await call("POST", `/api/projects/${studio.projectId}/revisions`, bearer(token), {
      baseRevision: 1,
      operations: [{ type: "chord.add", chord: { tick: 0, symbol: "C" } }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const listed = await call("GET", "/api/account/tokens", withSession());
    expect(listed.json().tokens).toEqual([
      expect.objectContaining({ id: accessToken.id, lastUsedAt: expect.any(String) }),
    ]);
  });

  it("stop working when revoked, and only their owner revokes them", async () => {
    const token = await makeToken("ci");
    const { tokens } = (await call("GET", "/api/account/tokens", bearer(token))).json();
    const id = tokens.find((t: { name: string }) => t.name === "ci").id;
    const outsider = await studio.signIn("outsider");
    const theirs = await call("DELETE", `/api/account/tokens/${id}`, {
      cookie: outsider.cookie,
      "x-csrf-token": outsider.csrf,
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe("E_ACCESS_TOKEN_MISSING");
    expect((await call("DELETE", `/api/account/tokens/${id}`, withSession())).statusCode).toBe(200);
    const refused = await call("GET", "/api/projects", bearer(token));
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toBe("this access token is unknown, revoked or expired");
    const audit = await studio.store.db.select().from(auditLog);
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["access-token.created", "access-token.revoked"]),
    );
  });

  it("refuse an expired token, a malformed header, and a token making another", async () => {
    const token = await makeToken("short", 1);
    const later = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    const app = studio.app;
    expect((await call("GET", "/api/projects", bearer(token))).statusCode).toBe(200);
    // The same token, two days on, as the store sees it.
    expect(await studio.store.findLiveAccessToken(hashAccessToken(token as never), later)).toBe(
      undefined,
    );
    const malformed = await app.inject({
      method: "GET",
      url: "/api/projects",
      headers: { authorization: "Bearer not-one-of-ours", cookie: pro.cookie },
    });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().error.subject).toBe("authorization");
    const another = await call("POST", "/api/account/tokens", bearer(token), { name: "more" });
    expect(another.statusCode).toBe(403);
    expect(
      (await call("POST", "/api/account/tokens", withSession(), { name: "x", expiresInDays: 0 }))
        .statusCode,
    ).toBe(400);
  });

  it("never shows a token in a later answer, the log or the audit log", async () => {
    const madeBody = (
      await call("POST", "/api/account/tokens", withSession(), { name: "secret check" })
    ).body;
    const token = JSON.parse(madeBody).token as string;
    await call("GET", "/api/account/tokens", bearer(token));
    const audit = JSON.stringify(await studio.store.db.select().from(auditLog));
    const seen = [...bodies.filter((body) => body !== madeBody), logLines.join("\n"), audit];
    for (const text of seen) expect(text).not.toContain(token);
  });
});
