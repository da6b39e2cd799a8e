import path from "node:path";
import createClient from "openapi-fetch";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { components, paths } from "../web/api/schema.ts";
import { tempDir } from "./support/projects.ts";
import { killAll, ownerPassword, serve, stop } from "./support/studio.ts";

/**
 * Two people, no help: a fresh `controlroom serve`, the owner signs in with the password it
 * printed, creates a project and invites an engineer by link; the engineer, who has no
 * account, makes one through the link and moves a fader; both see the revision. Everything
 * goes over HTTP through the typed client the web studio uses (web/api/schema.ts, made from
 * the server's OpenAPI document), so a route that drifts from its document breaks the build.
 */
afterAll(killAll);

type FeedMessage = components["schemas"]["FeedMessage"];

/** A client of the studio at `url`, signed in with `session` when given. */
function studioClient(url: string, session?: { cookie: string; csrf: string }) {
  return createClient<paths>({
    baseUrl: url.replace(/\/$/, ""),
    headers: session ? { cookie: session.cookie, "x-csrf-token": session.csrf } : {},
  });
}

/** The session cookie an answer set, for the requests that follow it. */
function sessionCookie(response: Response): string {
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`no session cookie in the answer (${response.status})`);
  return cookie;
}

/** Opens the project's feed as `cookie` and collects what it says. */
async function openFeed(url: string, projectId: string, cookie: string) {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}api/projects/${projectId}/feed`, {
    headers: { cookie },
  });
  const messages: FeedMessage[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as FeedMessage;
      messages.push(message);
      if (message.type === "subscribed") resolve();
    });
    socket.on("close", (code) => reject(new Error(`the feed closed with ${code}`)));
    socket.on("error", reject);
  });
  return { messages, close: () => socket.close() };
}

describe("a studio two people use", () => {
  it("lets the owner invite an engineer by link, who joins, moves a fader, and both see it", async () => {
    const data = path.join(await tempDir("controlroom-two-people-"), "data");
    const studio = await serve(data);
    try {
      const { url } = studio;

      // The owner signs in with what the first start printed.
      const anonymous = studioClient(url);
      const ownerSignIn = await anonymous.POST("/api/session", {
        body: { email: "owner@controlroom.local", password: ownerPassword(studio.output()) },
      });
      expect(ownerSignIn.response.status).toBe(200);
      const owner = studioClient(url, {
        cookie: sessionCookie(ownerSignIn.response),
        csrf: ownerSignIn.data!.csrfToken,
      });
      const ownerId = ownerSignIn.data!.account.id;

      // … creates a project of their own, as its producer …
      const created = await owner.POST("/api/projects", { body: { title: "Second Song" } });
      expect(created.response.status, JSON.stringify(created.error)).toBe(201);
      const projectId = created.data!.project.id;
      expect(created.data!.project).toMatchObject({ title: "Second Song", role: "producer" });

      // … and invites an engineer, who gets the link.
      const invited = await owner.POST("/api/projects/{projectId}/invitations", {
        params: { path: { projectId } },
        body: { email: "sam@studio.test", role: "engineer" },
      });
      expect(invited.response.status, JSON.stringify(invited.error)).toBe(200);
      const link = new URL(invited.data!.link);
      expect(link.origin).toBe(new URL(url).origin);
      const token = new URLSearchParams(link.hash.slice(1)).get("token")!;
      expect(token).toBe(invited.data!.token);

      // The engineer opens the link: who invited them, to what, and that they need an account.
      const engineerClient = studioClient(url);
      const lookup = await engineerClient.POST("/api/invitations/lookup", { body: { token } });
      expect(lookup.data).toMatchObject({
        projectTitle: "Second Song",
        role: "engineer",
        email: "sam@studio.test",
        accountExists: false,
      });

      // … creates an account through it and is on the project in one step.
      const signedUp = await engineerClient.POST("/api/invitations/sign-up", {
        body: { token, displayName: "Sam", password: "a long pass phrase for sam" },
      });
      expect(signedUp.response.status, JSON.stringify(signedUp.error)).toBe(200);
      expect(signedUp.data).toMatchObject({ projectId, role: "engineer" });
      const engineer = studioClient(url, {
        cookie: sessionCookie(signedUp.response),
        csrf: signedUp.data!.csrfToken,
      });
      const engineerId = signedUp.data!.account.id;

      // The producer keeps the project open and listens to its feed.
      const feed = await openFeed(url, projectId, sessionCookie(ownerSignIn.response));

      // The engineer opens the project, document included, and pulls the master fader down.
      const opened = await engineer.GET("/api/projects/{projectId}", {
        params: { path: { projectId }, query: { include: "document" } },
      });
      expect(opened.data).toMatchObject({ role: "engineer", currentRevision: 1 });
      expect(opened.data!.document).toBeDefined();
      const saved = await engineer.POST("/api/projects/{projectId}/revisions", {
        params: { path: { projectId } },
        body: {
          baseRevision: opened.data!.currentRevision,
          operations: [{ type: "param.set", trackId: "master", path: "faderDb", value: -6 }],
        },
      });
      expect(saved.response.status, JSON.stringify(saved.error)).toBe(200);
      expect(saved.data).toEqual({ ok: true, revision: 2 });

      // Both see revision 2, by Sam, with the fader where Sam left it.
      for (const [who, client] of [
        ["owner", owner],
        ["engineer", engineer],
      ] as const) {
        const project = await client.GET("/api/projects/{projectId}", {
          params: { path: { projectId }, query: { include: "document" } },
        });
        expect(project.data?.currentRevision, who).toBe(2);
        const document = project.data!.document as { master: { strip: { faderDb: number } } };
        expect(document.master.strip.faderDb, who).toBe(-6);
        const revisions = await client.GET("/api/projects/{projectId}/revisions", {
          params: { path: { projectId } },
        });
        expect(revisions.data!.revisions[0], who).toMatchObject({
          number: 2,
          authorId: engineerId,
          authorName: "Sam",
        });
      }
      await expect
        .poll(() => feed.messages.find((message) => message.type === "revision"))
        .toMatchObject({ type: "revision", projectId, revision: 2, author: engineerId });
      feed.close();

      // The members list shows the two of them.
      const members = await owner.GET("/api/projects/{projectId}/members", {
        params: { path: { projectId } },
      });
      expect(members.data!.members.map((m) => [m.accountId, m.role]).sort(), "members").toEqual(
        [
          [ownerId, "producer"],
          [engineerId, "engineer"],
        ].sort(),
      );
    } finally {
      await stop(studio.child);
    }
  }, 120_000);
});
