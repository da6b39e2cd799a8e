import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ChangeFeed } from "./feed.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

let studio: StudioUnderTest;
let base: string;
let projectId: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  studio = await studioUnderTest(
    { producer: "producer", engineer: "engineer", outsider: null },
    { feed: new ChangeFeed() },
  );
  projectId = studio.projectId;
  await studio.app.listen({ port: 0, host: "127.0.0.1" });
  const address = studio.app.server.address();
  base = `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await studio?.close();
});

const signIn = (who: string) => studio.signIn(who);

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
