import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCsrfSecret } from "../accounts/csrf.ts";
import { hashPassword, Password } from "../accounts/passwords.ts";
import { type Action, can, ROLES } from "../accounts/roles.ts";
import { emptyProject } from "../music/project.ts";
import { openStore } from "../store/node/open-store.ts";
import type { Store } from "../store/store.ts";
import { buildServer } from "./app.ts";

/**
 * Walks every project route, for every role, and checks the answer against the permission
 * table: allowed gets 2xx, not allowed 403, and someone from another project 404.
 */
const PASSWORD = "correct horse battery staple";
let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof buildServer>>;
let projectId: string;

/** Each route with the action it needs; saves carry one representative edit per action. */
const ROUTES: {
  name: string;
  action: Action;
  request: (csrf: string) => {
    method: "GET" | "POST";
    url: string;
    payload?: unknown;
    csrf?: string;
  };
}[] = [
  {
    name: "read the project",
    action: "project.read",
    request: () => ({ method: "GET", url: `/api/projects/${projectId}` }),
  },
  {
    name: "read a revision",
    action: "revisions.read",
    request: () => ({ method: "GET", url: `/api/projects/${projectId}/revisions/1` }),
  },
  ...(
    [
      [
        "change the mix",
        "mix.edit",
        { type: "param.set", trackId: "master", path: "faderDb", value: -1 },
      ],
      [
        "change the arrangement",
        "project.edit-arrangement",
        { type: "chord.add", chord: { tick: 0, symbol: "C" } },
      ],
      [
        "change the song details",
        "project.edit-details",
        { type: "song.set", changes: { artist: "Someone" } },
      ],
      [
        "edit recordings",
        "recording.manage",
        {
          type: "source.add",
          source: {
            id: "take",
            file: "audio/take.wav",
            sampleRate: 48000,
            channels: 1,
            frames: 10,
          },
        },
      ],
    ] as const
  ).map(([name, action, operation]) => ({
    name,
    action: action as Action,
    request: (csrf: string) => ({
      method: "POST" as const,
      url: `/api/projects/${projectId}/revisions`,
      csrf,
      payload: { baseRevision: -1, operations: [operation] },
    }),
  })),
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "controlroom-permissions-"));
  store = await openStore({ dataDir: dir });
  const hash = await hashPassword(Password.from(PASSWORD));
  const accounts = new Map<string, string>();
  for (const who of [...ROLES, "outsider"]) {
    accounts.set(
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
  const project = await store.createProject({
    title: "Walk",
    owner: accounts.get("producer")!,
    document: emptyProject(),
  });
  projectId = project.id;
  for (const role of ROLES)
    if (role !== "producer") await store.setMemberRole(projectId, accounts.get(role)!, role);
  app = await buildServer({ auth: { store, csrfSecret: newCsrfSecret() } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function signIn(who: string): Promise<{ cookie: string; csrf: string }> {
  const response = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { email: `${who}@studio.test`, password: PASSWORD },
  });
  return {
    cookie: String(response.headers["set-cookie"]).split(";")[0],
    csrf: response.json().csrfToken,
  };
}

describe("the route table against the permission table", () => {
  it.each([...ROLES, "outsider"])("%s", async (who) => {
    const session = await signIn(who);
    for (const route of ROUTES) {
      const r = route.request(session.csrf);
      const current = (await store.findProject(projectId))!.currentRevision;
      // Each save must be valid on its own: a source added twice would be refused as a duplicate.
      const body = r.payload
        ? JSON.parse(JSON.stringify(r.payload).replaceAll('"take', `"take-${who}`))
        : undefined;
      const payload = body ? { ...body, baseRevision: current } : undefined;
      const response = await app.inject({
        method: r.method,
        url: r.url,
        headers: { cookie: session.cookie, ...(r.csrf ? { "x-csrf-token": r.csrf } : {}) },
        ...(payload ? { payload } : {}),
      });
      const expected =
        who === "outsider" ? 404 : can(who as (typeof ROLES)[number], route.action) ? 200 : 403;
      expect(response.statusCode, `${who}: ${route.name} → ${response.body}`).toBe(expected);
    }
  });
});
