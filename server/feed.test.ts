import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { newCsrfSecret } from "../accounts/csrf.ts";
import { hashPassword, Password } from "../accounts/passwords.ts";
import { emptyProject } from "../music/project.ts";
import { openStore } from "../store/node/open-store.ts";
import type { Store } from "../store/store.ts";
import { buildServer } from "./app.ts";
import { ChangeFeed } from "./feed.ts";

const PASSWORD = "correct horse battery staple";
let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof buildServer>>;
let base: string;
let projectId: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "controlroom-feed-"));
  store = await openStore({ dataDir: dir });
  const hash = await hashPassword(Password.from(PASSWORD));
  const ids = new Map<string, string>();
  for (const who of ["producer", "engineer", "outsider"]) {
    ids.set(
      who,
      (
        await store.createAccount({
          email: `${who}@studio.test`,
          displayName: who,
          passwordHash: hash,
        })
      ).id,
    );
  }
  projectId = (
    await store.createProject({
      title: "Feed",
      owner: ids.get("producer")!,
      document: emptyProject(),
    })
  ).id;
  await store.setMemberRole(projectId, ids.get("engineer")!, "engineer");
  app = await buildServer({ auth: { store, csrfSecret: newCsrfSecret(), feed: new ChangeFeed() } });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  base = `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function signIn(who: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`http://${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${who}@studio.test`, password: PASSWORD }),
  });
  return {
    cookie: String(response.headers.get("set-cookie")).split(";")[0],
    csrf: ((await response.json()) as { csrfToken: string }).csrfToken,
  };
}

/** Opens the project's feed as `cookie` and collects its messages, or its close code. */
function listen(cookie: string): Promise<{ messages: unknown[]; closed: Promise<number> }> {
  const socket = new WebSocket(`ws://${base}/api/projects/${projectId}/feed`, {
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
    const saved = await fetch(`http://${base}/api/projects/${projectId}/revisions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: producer.cookie,
        "x-csrf-token": producer.csrf,
      },
      body: JSON.stringify({
        baseRevision: 1,
        operations: [{ type: "chord.add", chord: { tick: 0, symbol: "Am" } }],
      }),
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
});
