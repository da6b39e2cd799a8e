import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Action, can, ROLES } from "../accounts/roles.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Walks every project route, for every role, and checks the answer against the permission
 * table: allowed gets 2xx, not allowed 403, and someone from another project 404.
 */
let studio: StudioUnderTest;
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
  studio = await studioUnderTest({
    ...Object.fromEntries(ROLES.map((role) => [role, role])),
    outsider: null,
  });
  projectId = studio.projectId;
}, 60_000);
afterAll(() => studio?.close());

describe("the route table against the permission table", () => {
  it.each([...ROLES, "outsider"])("%s", async (who) => {
    const session = await studio.signIn(who);
    for (const route of ROUTES) {
      const r = route.request(session.csrf);
      const current = (await studio.store.findProject(projectId))!.currentRevision;
      // Each save must be valid on its own: a source added twice would be refused as a duplicate.
      const body = r.payload
        ? JSON.parse(JSON.stringify(r.payload).replaceAll('"take', `"take-${who}`))
        : undefined;
      const payload = body ? { ...body, baseRevision: current } : undefined;
      const response = await studio.app.inject({
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
