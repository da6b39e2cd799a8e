import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCsrfSecret } from "../accounts/csrf.ts";
import { hashPassword, Password } from "../accounts/passwords.ts";
import { emptyProject } from "../music/project.ts";
import { openStore } from "../store/node/open-store.ts";
import type { Store } from "../store/store.ts";
import { buildServer } from "./app.ts";

/** The server over a real store (PGlite in a temp folder), driven through HTTP requests. */
let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof buildServer>>;
let projectId: string;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "controlroom-routes-"));
  store = await openStore({ dataDir: dir });
  const hash = await hashPassword(Password.from(PASSWORD));
  const producer = await store.createAccount({
    email: "pro@studio.test",
    displayName: "Pro",
    passwordHash: hash,
  });
  const engineer = await store.createAccount({
    email: "eng@studio.test",
    displayName: "Eng",
    passwordHash: hash,
  });
  await store.createAccount({ email: "out@studio.test", displayName: "Out", passwordHash: hash });
  const project = await store.createProject({
    title: "Song",
    owner: producer.id,
    document: emptyProject({ title: "Song" }),
  });
  projectId = project.id;
  await store.setMemberRole(projectId, engineer.id, "engineer");
  app = await buildServer({ auth: { store, csrfSecret: newCsrfSecret() } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function signIn(email: string): Promise<{ cookie: string; csrf: string }> {
  const response = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { email, password: PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).not.toMatch(/argon2|horse/);
  const cookie = String(response.headers["set-cookie"]).split(";")[0];
  return { cookie, csrf: response.json().csrfToken };
}

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
    expect((await app.inject({ url: "/api/session" })).statusCode).toBe(401);
  });
});

describe("projects", () => {
  it("shows a member the project and their role, and everyone else the 404 an unknown id gets", async () => {
    const pro = await signIn("pro@studio.test");
    const seen = await app.inject({
      url: `/api/projects/${projectId}`,
      headers: { cookie: pro.cookie },
    });
    expect(seen.json()).toEqual({
      id: projectId,
      title: "Song",
      currentRevision: 1,
      role: "producer",
    });
    const out = await signIn("out@studio.test");
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
    const eng = await signIn("eng@studio.test");
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
    const pro = await signIn("pro@studio.test");
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
    const pro = await signIn("pro@studio.test");
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
