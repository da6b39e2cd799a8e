import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvitation } from "../accounts/invitations.ts";
import { type Action, can, ROLES, type Role } from "../accounts/roles.ts";
import { wavHeader } from "../formats/wav/writer.ts";
import { emptyProject } from "../music/project.ts";
import { productionWalk } from "./production-walk.ts";
import { describeAccess, type RouteAccess } from "./route-access.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Walks every project route, for every role, and checks the answer against the permission
 * table: allowed gets 2xx, not allowed 403, and the producer of another project 404. A
 * second test checks that the walk names every project route the server documents.
 */
let studio: StudioUnderTest;
let projectId: string;

interface Request {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  payload?: object | Buffer;
  headers?: Record<string, string>;
}

interface RouteCase {
  name: string;
  /** The route as the OpenAPI document names it. */
  route: string;
  /** For a save, the permission its operation needs besides the route's own. */
  operationAction?: Action;
  /** The request `who` makes; it may first prepare what the request acts on. */
  request: (who: string) => Promise<Request>;
}

/** A tiny WAV, so a take upload passes the audio check. */
const TAKE = Buffer.concat([
  wavHeader({ channels: 1, sampleRate: 48_000, encoding: "int", bitsPerSample: 16, frames: 16 }),
  Buffer.alloc(32),
]);

let extras = 0;
/** A fresh viewer on the project, for a role change or a removal to act on. */
async function someViewer(): Promise<string> {
  extras++;
  const account = await studio.store.createAccount({
    email: `extra-${extras}@studio.test`,
    displayName: `Extra ${extras}`,
    passwordHash: "not-a-real-hash",
  });
  await studio.store.setMemberRole(projectId, account.id, "viewer");
  return account.id;
}

/** A render waiting on the queue (the studio here runs no worker), for a route to act on. */
const queuedJob = () =>
  studio.jobs!.submit(
    projectId,
    { kind: "render", endSeconds: 1, format: "wav", bitDepth: 24 },
    studio.accountId("producer"),
  );

/** Stores TAKE under `name` (again is a no-op), with what it holds as audio. */
async function storeTake(name: string): Promise<void> {
  await studio.store.putFile(projectId, name, TAKE, {
    mediaType: "audio/wav",
    audio: {
      codec: "wav",
      sampleRate: 48_000,
      channels: 1,
      frames: 16,
      durationSeconds: 16 / 48_000,
    },
  });
}

/** A fresh invitation from the producer, for a withdrawal to act on. */
async function pendingInvitation(): Promise<string> {
  extras++;
  const { stored } = createInvitation({
    projectId,
    email: `invited-${extras}@studio.test`,
    role: "viewer",
    inviter: { accountId: studio.accountId("producer"), role: "producer" },
    now: new Date(),
  });
  return studio.store.createInvitation(stored);
}

const current = async () => (await studio.store.findProject(projectId))!.currentRevision;
const project = () => `/api/projects/${projectId}`;

/** One save per permission an edit can need; each is valid on its own, for every caller. */
const SAVES: [string, Action, (who: string) => object][] = [
  [
    "change the mix",
    "mix.edit",
    () => ({ type: "param.set", trackId: "master", path: "faderDb", value: -1 }),
  ],
  [
    "change the arrangement",
    "project.edit-arrangement",
    () => ({ type: "chord.add", chord: { tick: 0, symbol: "C" } }),
  ],
  [
    "change the song details",
    "project.edit-details",
    () => ({ type: "song.set", changes: { artist: "Someone" } }),
  ],
  [
    "edit recordings",
    "recording.manage",
    (who) => ({
      type: "source.add",
      // A source added twice would be refused as a duplicate; its file is the take.
      source: {
        id: `take-${who}`,
        file: `audio/take-${who}.wav`,
        sampleRate: 48000,
        channels: 1,
        frames: 16,
      },
    }),
  ],
];

const production = productionWalk(() => studio);

const ROUTES: RouteCase[] = [
  ...production.cases,
  {
    name: "read the project",
    route: "GET /api/projects/{projectId}",
    request: async () => ({ method: "GET", url: project() }),
  },
  {
    name: "list the revisions",
    route: "GET /api/projects/{projectId}/revisions",
    request: async () => ({ method: "GET", url: `${project()}/revisions` }),
  },
  {
    name: "read a revision",
    route: "GET /api/projects/{projectId}/revisions/{number}",
    request: async () => ({ method: "GET", url: `${project()}/revisions/1` }),
  },
  ...SAVES.map(([name, action, operation]) => ({
    name,
    route: "POST /api/projects/{projectId}/revisions",
    operationAction: action,
    request: async (who: string) => {
      // A source is saved only with its file there: the take, as the upload route stores it.
      await storeTake(`audio/take-${who}.wav`);
      return {
        method: "POST" as const,
        url: `${project()}/revisions`,
        payload: { baseRevision: await current(), operations: [operation(who)] },
      };
    },
  })),
  {
    name: "restore a revision",
    route: "POST /api/projects/{projectId}/revisions/{number}/restore",
    request: async () => ({
      method: "POST",
      url: `${project()}/revisions/1/restore`,
      payload: { baseRevision: await current() },
    }),
  },
  {
    name: "list the files",
    route: "GET /api/projects/{projectId}/files",
    request: async () => ({ method: "GET", url: `${project()}/files` }),
  },
  {
    name: "download a file",
    route: "GET /api/projects/{projectId}/files/{*}",
    request: async () => ({ method: "GET", url: `${project()}/files/audio/seed.wav` }),
  },
  {
    name: "see a file's waveform",
    route: "GET /api/projects/{projectId}/peaks/{*}",
    request: async () => ({ method: "GET", url: `${project()}/peaks/audio/seed.wav` }),
  },
  {
    name: "upload a take",
    route: "PUT /api/projects/{projectId}/files/{*}",
    request: async (who) => ({
      method: "PUT",
      url: `${project()}/files/audio/take-${who}.wav`,
      payload: TAKE,
      headers: { "content-type": "audio/wav" },
    }),
  },
  {
    name: "delete a file",
    route: "DELETE /api/projects/{projectId}/files/{*}",
    request: async (who) => {
      extras++;
      const name = `audio/spare-${who}-${extras}.wav`;
      await storeTake(name);
      return { method: "DELETE", url: `${project()}/files/${name}` };
    },
  },
  {
    name: "see the members",
    route: "GET /api/projects/{projectId}/members",
    request: async () => ({ method: "GET", url: `${project()}/members` }),
  },
  {
    name: "invite someone",
    route: "POST /api/projects/{projectId}/invitations",
    request: async (who) => ({
      method: "POST",
      url: `${project()}/invitations`,
      payload: { email: `guest-of-${who}@studio.test`, role: "viewer" },
    }),
  },
  {
    name: "list pending invitations",
    route: "GET /api/projects/{projectId}/invitations",
    request: async () => ({ method: "GET", url: `${project()}/invitations` }),
  },
  {
    name: "withdraw an invitation",
    route: "DELETE /api/projects/{projectId}/invitations/{invitationId}",
    request: async () => ({
      method: "DELETE",
      url: `${project()}/invitations/${await pendingInvitation()}`,
    }),
  },
  {
    name: "change a member's role",
    route: "PUT /api/projects/{projectId}/members/{accountId}",
    request: async () => ({
      method: "PUT",
      url: `${project()}/members/${await someViewer()}`,
      payload: { role: "musician" },
    }),
  },
  {
    name: "remove a member",
    route: "DELETE /api/projects/{projectId}/members/{accountId}",
    request: async () => ({ method: "DELETE", url: `${project()}/members/${await someViewer()}` }),
  },
  {
    name: "start a render",
    route: "POST /api/projects/{projectId}/jobs",
    request: async () => ({
      method: "POST",
      url: `${project()}/jobs`,
      payload: { kind: "render", endSeconds: 1 },
    }),
  },
  {
    name: "list the jobs",
    route: "GET /api/projects/{projectId}/jobs",
    request: async () => ({ method: "GET", url: `${project()}/jobs` }),
  },
  {
    name: "watch a job",
    route: "GET /api/projects/{projectId}/jobs/{jobId}",
    request: async () => ({ method: "GET", url: `${project()}/jobs/${(await queuedJob()).id}` }),
  },
  {
    name: "cancel a job",
    route: "POST /api/projects/{projectId}/jobs/{jobId}/cancel",
    request: async () => ({
      method: "POST",
      url: `${project()}/jobs/${(await queuedJob()).id}/cancel`,
    }),
  },
  {
    name: "read the audit log",
    route: "GET /api/projects/{projectId}/audit",
    request: async () => ({ method: "GET", url: `${project()}/audit` }),
  },
  {
    name: "download the project",
    route: "GET /api/projects/{projectId}/export",
    request: async () => ({ method: "GET", url: `${project()}/export?format=folder&revision=1` }),
  },
  {
    name: "push a whole document",
    route: "PUT /api/projects/{projectId}/document",
    request: async () => ({
      method: "PUT",
      url: `${project()}/document`,
      payload: {
        baseRevision: await current(),
        document: (await studio.store.loadRevision(projectId)).document,
      },
    }),
  },
  // Archive, then unarchive at once, so the routes after it in the walk find it active.
  {
    name: "archive the project",
    route: "POST /api/projects/{projectId}/archive",
    request: async () => ({ method: "POST", url: `${project()}/archive` }),
  },
  {
    name: "unarchive the project",
    route: "POST /api/projects/{projectId}/unarchive",
    request: async () => ({ method: "POST", url: `${project()}/unarchive` }),
  },
];

beforeAll(async () => {
  studio = await studioUnderTest(
    { ...Object.fromEntries(ROLES.map((role) => [role, role])), outsider: null },
    { jobs: "queue only" },
  );
  projectId = studio.projectId;
  // The outsider produces a project of their own: every right there, none here.
  await studio.store.createProject({
    title: "Elsewhere",
    owner: studio.accountId("outsider"),
    document: emptyProject({ title: "Elsewhere" }),
  });
  await studio.store.putFile(projectId, "audio/seed.wav", TAKE, { mediaType: "audio/wav" });
  await production.prepare(ROLES);
}, 60_000);
afterAll(() => studio?.close());

/** `GET /api/projects/{projectId}` as Fastify names it: `GET /api/projects/:projectId`. */
const fastifyName = (route: string) => route.replace(/\{\*\}/g, "*").replace(/\{(\w+)\}/g, ":$1");

/** What a route declared it needs, read from the server's own declarations. */
function declared(route: RouteCase): RouteAccess {
  const access = studio.app.routeAccess.get(fastifyName(route.route));
  if (access === undefined) throw new Error(`${route.route} is not a route of the server`);
  return access;
}

/** The actions a request on `route` needs: its declared one, and a save's operation's own. */
function actionsNeeded(route: RouteCase): Action[] {
  const access = declared(route);
  if (typeof access !== "object") throw new Error(`${route.route} is no project route`);
  if (access.perOperation && route.operationAction === undefined) {
    throw new Error(`${route.route} checks each operation: the walk must say which it sends`);
  }
  return [access.project, ...(route.operationAction ? [route.operationAction] : [])];
}

describe("the route table against the permission table", () => {
  it.each([...ROLES, "outsider"])("%s", async (who) => {
    const session = await studio.signIn(who);
    for (const route of ROUTES) {
      const r = await route.request(who);
      const response = await studio.app.inject({
        method: r.method,
        url: r.url,
        headers: { cookie: session.cookie, "x-csrf-token": session.csrf, ...r.headers },
        ...(r.payload ? { payload: r.payload } : {}),
      });
      const label = `${who}: ${route.name} → ${response.body.slice(0, 300)}`;
      if (who === "outsider") expect(response.statusCode, label).toBe(404);
      else if (actionsNeeded(route).every((action) => can(who as Role, action))) {
        expect(response.statusCode, label).toBeGreaterThanOrEqual(200);
        expect(response.statusCode, label).toBeLessThan(300);
      } else expect(response.statusCode, label).toBe(403);
    }
  });

  it("walks every project route the server documents", async () => {
    const spec = (await studio.app.inject("/api/docs/json")).json();
    const documented = Object.entries(spec.paths as Record<string, Record<string, object>>).flatMap(
      ([path, operations]) =>
        path.startsWith("/api/projects/{projectId}")
          ? Object.entries(operations)
              // The feed is a WebSocket: feed.test.ts walks who may open it.
              .filter(([, operation]) => !("x-websocket" in operation))
              .map(([method]) => `${method.toUpperCase()} ${path}`)
          : [],
    );
    expect(new Set(ROUTES.map((route) => route.route))).toEqual(new Set(documented));
  });

  it("shows each route's declared permission in the OpenAPI document", async () => {
    const spec = (await studio.app.inject("/api/docs/json")).json();
    for (const [name, access] of studio.app.routeAccess) {
      const [method, url] = name.split(" ");
      const path = url.replace(/:(\w+)/g, "{$1}").replace(/\*$/, "{*}");
      const operation = spec.paths[path]?.[method.toLowerCase()];
      if (operation === undefined) continue; // hidden from the document (none are, today)
      expect(operation["x-permission"], name).toBe(describeAccess(access));
    }
  });
});
