import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { newCsrfSecret } from "../accounts/csrf.ts";
import { buildServer } from "./app.ts";
import { ChangeFeed } from "./feed.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

let studio: StudioUnderTest;
let base: string;
let projectId: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  studio = await studioUnderTest(
    { producer: "producer", engineer: "engineer", outsider: null },
    { feed: "relayed", jobs: "queue and worker" },
  );
  projectId = studio.projectId;
  base = await listenOn(studio.app);
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await second?.app.close();
  await second?.feed.close();
  await studio?.close();
});

/** A second server process's worth: its own store client and relayed feed, same database. */
let second: { app: Awaited<ReturnType<typeof buildServer>>; feed: ChangeFeed } | undefined;

async function listenOn(app: Awaited<ReturnType<typeof buildServer>>): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

const signIn = (who: string) => studio.signIn(who);

/** POSTs JSON to one of the project's routes on the first server, as `who`. */
const post = (who: { cookie: string; csrf: string }, route: string, body: object) =>
  fetch(`http://${base}/api/projects/${projectId}/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: who.cookie, "x-csrf-token": who.csrf },
    body: JSON.stringify(body),
  });

/** Opens the project's feed as `cookie` and collects its messages, or its close code. */
function listen(
  cookie: string,
  server = base,
): Promise<{ messages: unknown[]; closed: Promise<number> }> {
  const socket = new WebSocket(`ws://${server}/api/projects/${projectId}/feed`, {
    headers: { cookie },
  });
  sockets.push(socket);
  const messages: unknown[] = [];
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  return new Promise((resolve) => {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      messages.push(message);
      if (message.type === "subscribed") resolve({ messages, closed });
    });
    closed.then(() => resolve({ messages, closed }));
  });
}

describe("the change feed", () => {
  it("tells every member listening to a project about a save, and turns away anyone else", async () => {
    const producer = await signIn("producer");
    const engineer = await signIn("engineer");
    const outsider = await signIn("outsider");
    const a = await listen(producer.cookie);
    const b = await listen(engineer.cookie);
    const c = await listen(outsider.cookie);
    expect(await c.closed).toBe(4404);
    const saved = await post(producer, "revisions", {
      baseRevision: 1,
      operations: [{ type: "chord.add", chord: { tick: 0, symbol: "Am" } }],
    });
    expect(saved.status).toBe(200);
    await expect
      .poll(() => [a.messages.length, b.messages.length], { timeout: 1000 })
      .toEqual([2, 2]);
    for (const listener of [a, b]) {
      expect(listener.messages[1]).toMatchObject({
        type: "revision",
        projectId,
        revision: 2,
        operations: 1,
      });
    }
    expect(c.messages).toEqual([]);
  });

  it("tells listeners on another server over the same database about a save", async () => {
    const store = await studio.openStoreClient();
    const feed = await ChangeFeed.relayedThrough(store);
    const app = await buildServer({ auth: { store, csrfSecret: newCsrfSecret(), feed } });
    second = { app, feed };
    const elsewhere = await listenOn(app);
    const producer = await signIn("producer");
    const there = await listen(producer.cookie, elsewhere);
    const revision = (await studio.store.findProject(projectId))!.currentRevision;
    const saved = await post(producer, "revisions", {
      baseRevision: revision,
      operations: [{ type: "chord.add", chord: { tick: 960, symbol: "F" } }],
    });
    expect(saved.status).toBe(200);
    await expect.poll(() => there.messages.length, { timeout: 2000 }).toBe(2);
    expect(there.messages[1]).toMatchObject({ type: "revision", revision: revision + 1 });
  });

  it("tells listeners how a job goes, from queued to done", async () => {
    const engineer = await signIn("engineer");
    const listener = await listen(engineer.cookie);
    const started = await post(engineer, "jobs", { kind: "render", endSeconds: 1 });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const states = () =>
      (listener.messages as { type: string; jobId?: string; state?: string }[])
        .filter((m) => m.type === "job" && m.jobId === id)
        .map((m) => m.state);
    await expect.poll(() => states().at(-1), { timeout: 60_000 }).toBe("done");
    expect(states()[0]).toBe("queued");
    expect(states()).toContain("running");
  });
});
