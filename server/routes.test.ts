import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/** The server over a real store (PGlite in a temp folder), driven through HTTP requests. */
let studio: StudioUnderTest;
let app: StudioUnderTest["app"];
let projectId: string;
const signIn = (who: string) => studio.signIn(who);

beforeAll(async () => {
  studio = await studioUnderTest({ pro: "producer", eng: "engineer", out: null });
  ({ app, projectId } = studio);
}, 60_000);
afterAll(() => studio?.close());

describe("signing in", () => {
  it("refuses a wrong password and an unknown email alike, and sets an httpOnly cookie for the right one", async () => {
    for (const email of ["pro@studio.test", "nobody@studio.test"]) {
      const wrong = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { email, password: "not it at all, no" },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.message).toBe("that email and password do not match an account");
    }
    const right = await app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "pro@studio.test", password: PASSWORD },
    });
    expect(String(right.headers["set-cookie"])).toMatch(/^controlroom_session=[\w-]+; .*HttpOnly/);
    expect(right.body).not.toMatch(/argon2|horse/);
    expect((await app.inject({ url: "/api/session" })).statusCode).toBe(401);
  });
});

describe("projects", () => {
  it("shows a member the project and their role, and everyone else the 404 an unknown id gets", async () => {
    const pro = await signIn("pro");
    const seen = await app.inject({
      url: `/api/projects/${projectId}`,
      headers: { cookie: pro.cookie },
    });
    expect(seen.json()).toEqual({
      id: projectId,
      title: "Song",
      currentRevision: 1,
      role: "producer",
      archived: false,
      archivedAt: null,
    });
    const out = await signIn("out");
    const hidden = await app.inject({
      url: `/api/projects/${projectId}`,
      headers: { cookie: out.cookie },
    });
    const unknown = await app.inject({
      url: "/api/projects/00000000-0000-4000-8000-000000000000",
      headers: { cookie: out.cookie },
    });
    const garbage = await app.inject({
      url: "/api/projects/..%2F..%2Fetc",
      headers: { cookie: out.cookie },
    });
    for (const response of [hidden, unknown, garbage]) expect(response.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe(unknown.json().error.code);
  });

  it("lets the engineer change the mix but not the arrangement, and only with the CSRF token", async () => {
    const eng = await signIn("eng");
    const save = (operations: unknown[], csrf: string | undefined, baseRevision: number) =>
      app.inject({
        method: "POST",
        url: `/api/projects/${projectId}/revisions`,
        headers: { cookie: eng.cookie, ...(csrf ? { "x-csrf-token": csrf } : {}) },
        payload: { baseRevision, operations },
      });
    const mix = [{ type: "param.set", trackId: "master", path: "faderDb", value: -3 }];
    expect((await save(mix, undefined, 1)).statusCode).toBe(403);
    const saved = await save(mix, eng.csrf, 1);
    expect(saved.statusCode, saved.body).toBe(200);
    const arrangement = [
      { type: "section.add", section: { id: "v", name: "Verse", startTick: 0, lengthTicks: 3840 } },
    ];
    const refused = await save(arrangement, eng.csrf, saved.json().revision);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe(
      "your role on this project does not allow project.edit-arrangement",
    );
  });

  it("lets one of two saves on the same base win; the other gets 409 naming the current revision", async () => {
    const pro = await signIn("pro");
    const current = (
      await app.inject({ url: `/api/projects/${projectId}`, headers: { cookie: pro.cookie } })
    ).json().currentRevision;
    const rename = (title: string) =>
      app.inject({
        method: "POST",
        url: `/api/projects/${projectId}/revisions`,
        headers: { cookie: pro.cookie, "x-csrf-token": pro.csrf },
        payload: { baseRevision: current, operations: [{ type: "song.set", changes: { title } }] },
      });
    const results = await Promise.all([rename("A"), rename("B")]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.statusCode === 409)!.json();
    expect(loser.currentRevision).toBe(current + 1);
    expect(loser.error.message).toContain(String(current + 1));
  });

  it("answers malformed JSON, unknown fields, wrong types and oversized bodies with 4xx, never 500", async () => {
    const pro = await signIn("pro");
    const post = (payload: string, type = "application/json") =>
      app.inject({
        method: "POST",
        url: `/api/projects/${projectId}/revisions`,
        headers: { cookie: pro.cookie, "x-csrf-token": pro.csrf, "content-type": type },
        payload,
      });
    expect((await post("{not json")).statusCode).toBe(400);
    expect(
      (await post(JSON.stringify({ baseRevision: 1, operations: [], extra: 1 }))).statusCode,
    ).toBe(400);
    expect((await post(JSON.stringify({ baseRevision: "one", operations: [] }))).statusCode).toBe(
      400,
    );
    const big = await post(
      JSON.stringify({ baseRevision: 1, operations: [], pad: "x".repeat(9 * 1024 * 1024) }),
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe("E_TOO_LARGE");
  });
});
