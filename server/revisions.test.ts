import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyProject } from "../music/project.ts";
import { ChangeFeed, type FeedMessage } from "./feed.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/** The project list, the revision history and restoring, over HTTP on a real store. */
let studio: StudioUnderTest;
const feed = new ChangeFeed();
const sessions = new Map<string, { cookie: string; csrf: string }>();

beforeAll(async () => {
  studio = await studioUnderTest({ pro: "producer", eng: "engineer", out: null }, { feed });
  for (const who of ["pro", "eng", "out"]) sessions.set(who, await studio.signIn(who));
}, 60_000);
afterAll(() => studio?.close());

function call(who: string, method: "GET" | "POST", url: string, payload?: object) {
  const session = sessions.get(who)!;
  return studio.app.inject({
    method,
    url,
    headers: { cookie: session.cookie, "x-csrf-token": session.csrf },
    ...(payload ? { payload } : {}),
  });
}

const project = () => `/api/projects/${studio.projectId}`;
const rename = (baseRevision: number, title: string) =>
  call("pro", "POST", `${project()}/revisions`, {
    baseRevision,
    operations: [{ type: "song.set", changes: { title } }],
  });

describe("the project list", () => {
  it("lists the projects you are on with your role on each, and no others", async () => {
    const own = await studio.store.createProject({
      title: "Another Song",
      owner: studio.accountId("out"),
      document: emptyProject({ title: "Another Song" }),
    });
    const eng = await call("eng", "GET", "/api/projects");
    expect(eng.json()).toEqual({
      projects: [
        {
          id: studio.projectId,
          title: "Song",
          currentRevision: 1,
          role: "engineer",
          archived: false,
        },
      ],
    });
    const out = await call("out", "GET", "/api/projects");
    expect(out.json().projects).toEqual([
      { id: own.id, title: "Another Song", currentRevision: 1, role: "producer", archived: false },
    ]);
    expect((await studio.app.inject({ url: "/api/projects" })).statusCode).toBe(401);
  });
});

describe("revisions", () => {
  it("lists every revision newest first, and restores an old one as a new revision", async () => {
    expect((await rename(1, "Second")).json().revision).toBe(2);
    expect((await rename(2, "Third")).json().revision).toBe(3);
    const history = await call("eng", "GET", `${project()}/revisions`);
    expect(history.statusCode).toBe(200);
    expect(
      history
        .json()
        .revisions.map((r: { number: number; parent: number | null; operationCount: number }) => [
          r.number,
          r.parent,
          r.operationCount,
        ]),
    ).toEqual([
      [3, 2, 1],
      [2, 1, 1],
      [1, null, 0],
    ]);
    expect(history.json().revisions[0].authorId).toBe(studio.accountId("pro"));

    const heard: FeedMessage[] = [];
    const stop = feed.subscribe(studio.projectId, (message) => heard.push(message));
    const restored = await call("pro", "POST", `${project()}/revisions/1/restore`, {
      baseRevision: 3,
    });
    stop();
    expect(restored.json()).toEqual({ ok: true, revision: 4 });
    expect(heard).toEqual([
      {
        type: "revision",
        projectId: studio.projectId,
        revision: 4,
        author: studio.accountId("pro"),
        operations: 0,
        restoredFrom: 1,
      },
    ]);
    const four = await call("eng", "GET", `${project()}/revisions/4`);
    expect(four.json().document.song.title).toBe("Song");
    const [latest] = (await call("eng", "GET", `${project()}/revisions`)).json().revisions;
    expect(latest).toMatchObject({ number: 4, parent: 3, restoredFrom: 1 });
    const [entry] = await studio.store.listAudit(studio.projectId, { limit: 1 });
    expect(entry).toMatchObject({
      event: "revision.restored",
      subject: "revision:4",
      actorId: studio.accountId("pro"),
      detail: { restoredFrom: 1, baseRevision: 3 },
    });
  });

  it("refuses a restore on a stale base with 409 naming the current revision, like a save", async () => {
    const current = (await call("pro", "GET", project())).json().currentRevision;
    await rename(current, "Someone else saved first");
    const stale = await call("pro", "POST", `${project()}/revisions/1/restore`, {
      baseRevision: current,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      ok: false,
      error: { code: "E_STORE_CONFLICT" },
      currentRevision: current + 1,
    });
    const missing = await call("pro", "POST", `${project()}/revisions/99/restore`, {
      baseRevision: current + 1,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("E_STORE_REVISION_MISSING");
    expect((await call("pro", "GET", project())).json().currentRevision).toBe(current + 1);
  });

  it("writes each save's audit entry with the revision it made", async () => {
    const current = (await call("pro", "GET", project())).json().currentRevision;
    await rename(current, "Audited");
    const [entry] = await studio.store.listAudit(studio.projectId, { limit: 1 });
    expect(entry).toMatchObject({
      event: "revision.saved",
      subject: `revision:${current + 1}`,
      detail: { baseRevision: current, operations: 1, types: ["song.set"] },
    });
  });
});
