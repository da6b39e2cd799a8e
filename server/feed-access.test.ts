import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildServer } from "./app.ts";
import { loadCsrfSecret } from "./auth.ts";
import { ChangeFeed, FEED_CLOSE } from "./feed.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Who may keep a project's feed open: pages from the studio's own origin (or an allowed one),
 * and only while the member is on the project and their session or token lives. Ends are
 * relayed through the database, so a feed on a second server process closes too.
 */
let studio: StudioUnderTest;
let base: string;
let secondBase: string;
let second: { app: Awaited<ReturnType<typeof buildServer>>; feed: ChangeFeed } | undefined;
const sockets: WebSocket[] = [];

async function listenOn(app: Awaited<ReturnType<typeof buildServer>>): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

beforeAll(async () => {
  studio = await studioUnderTest(
    { producer: "producer", engineer: "engineer", viewer: "viewer" },
    { feed: "relayed" },
  );
  base = await listenOn(studio.app);
  const store = await studio.openStoreClient();
  const feed = await ChangeFeed.relayedThrough(store);
  const app = await buildServer({
    auth: {
      store,
      csrfSecret: await loadCsrfSecret(store),
      feed,
      allowedOrigins: ["https://studio.example"],
    },
  });
  second = { app, feed };
  secondBase = await listenOn(app);
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await second?.app.close();
  await second?.feed.close();
  await studio?.close();
});

/** Opens the project's feed; resolves once subscribed (or closed), with its close code. */
function open(
  headers: Record<string, string>,
  server = base,
): Promise<{ subscribed: boolean; closed: Promise<number> }> {
  const socket = new WebSocket(`ws://${server}/api/projects/${studio.projectId}/feed`, {
    headers,
  });
  sockets.push(socket);
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  return new Promise((resolve) => {
    socket.on("message", (data) => {
      if (JSON.parse(String(data)).type === "subscribed") resolve({ subscribed: true, closed });
    });
    closed.then(() => resolve({ subscribed: false, closed }));
  });
}

const http = (
  server: string,
  method: string,
  url: string,
  who: { cookie: string; csrf: string },
  body?: object,
) =>
  fetch(`http://${server}${url}`, {
    method,
    headers: {
      cookie: who.cookie,
      "x-csrf-token": who.csrf,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe("the feed's Origin check", () => {
  it("lets the studio's own pages, allowed origins and non-browser clients in, and no one else", async () => {
    const { cookie } = await studio.signIn("viewer");
    expect((await open({ cookie, origin: `http://${base}` })).subscribed).toBe(true);
    expect((await open({ cookie })).subscribed).toBe(true);
    const foreign = await open({ cookie, origin: "https://evil.example" });
    expect(foreign.subscribed).toBe(false);
    expect(await foreign.closed).toBe(FEED_CLOSE.originRefused);
    // The second server allows one other origin.
    expect((await open({ cookie, origin: "https://studio.example" }, secondBase)).subscribed).toBe(
      true,
    );
    expect((await open({ cookie, origin: "https://studio.example" }, base)).subscribed).toBe(false);
  });
});

describe("the feed closes when access ends", () => {
  it("when the member is removed, on every server process", async () => {
    const producer = await studio.signIn("producer");
    const engineer = await studio.signIn("engineer");
    const here = await open({ cookie: engineer.cookie });
    const there = await open({ cookie: engineer.cookie }, secondBase);
    const bystander = await open({ cookie: producer.cookie });
    expect(here.subscribed && there.subscribed && bystander.subscribed).toBe(true);
    const removed = await http(
      base,
      "DELETE",
      `/api/projects/${studio.projectId}/members/${studio.accountId("engineer")}`,
      producer,
    );
    expect(removed.status).toBe(200);
    expect(await here.closed).toBe(FEED_CLOSE.notAMember);
    expect(await there.closed).toBe(FEED_CLOSE.notAMember);
    const stillOpen = await Promise.race([
      bystander.closed.then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(true), 300)),
    ]);
    expect(stillOpen).toBe(true);
  });

  it("when that session signs out, and not the same account's other sessions", async () => {
    const a = await studio.signIn("viewer");
    const b = await studio.signIn("viewer");
    const onA = await open({ cookie: a.cookie }, secondBase);
    const onB = await open({ cookie: b.cookie });
    expect((await http(base, "DELETE", "/api/session", a)).status).toBe(200);
    expect(await onA.closed).toBe(FEED_CLOSE.signedOut);
    const stillOpen = await Promise.race([
      onB.closed.then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(true), 300)),
    ]);
    expect(stillOpen).toBe(true);
    expect((await http(base, "POST", "/api/account/sign-out-everywhere", b)).status).toBe(200);
    expect(await onB.closed).toBe(FEED_CLOSE.signedOut);
  });

  it("when the access token it was opened with is revoked", async () => {
    const producer = await studio.signIn("producer");
    const made = await http(base, "POST", "/api/account/tokens", producer, { name: "feed" });
    const { token, accessToken } = (await made.json()) as {
      token: string;
      accessToken: { id: string };
    };
    const feed = await open({ authorization: `Bearer ${token}` }, secondBase);
    expect(feed.subscribed).toBe(true);
    const revoked = await http(base, "DELETE", `/api/account/tokens/${accessToken.id}`, producer);
    expect(revoked.status).toBe(200);
    expect(await feed.closed).toBe(FEED_CLOSE.signedOut);
  });
});
