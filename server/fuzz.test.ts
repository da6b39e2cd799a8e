import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Seeded mutations of well-formed requests to every route: each answer must be a 2xx or a
 * 4xx in the one error shape, never a 500. The test says how many requests it made.
 */
let studio: StudioUnderTest;

beforeAll(async () => {
  studio = await studioUnderTest({ pro: "producer" });
}, 60_000);
afterAll(() => studio?.close());

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const STRANGE: unknown[] = [
  null,
  -1,
  0,
  1e308,
  "",
  "../../etc/passwd",
  "\u0000",
  [],
  {},
  true,
  "x".repeat(5000),
  3.5,
];

/** Replaces, removes or adds one value somewhere in a JSON value. */
function mutate(value: unknown, next: () => number): unknown {
  if (Array.isArray(value) && value.length > 0 && next() < 0.7) {
    const copy = [...value];
    const i = Math.floor(next() * copy.length);
    copy[i] = mutate(copy[i], next);
    return copy;
  }
  if (value && typeof value === "object" && !Array.isArray(value) && next() < 0.8) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const roll = next();
    if (roll < 0.15)
      copy[`extra${Math.floor(next() * 9)}`] = STRANGE[Math.floor(next() * STRANGE.length)];
    else if (roll < 0.3 && keys.length > 0) delete copy[keys[Math.floor(next() * keys.length)]];
    else if (keys.length > 0) {
      const key = keys[Math.floor(next() * keys.length)];
      copy[key] = mutate(copy[key], next);
    }
    return copy;
  }
  return STRANGE[Math.floor(next() * STRANGE.length)];
}

describe("fuzzing the routes", () => {
  it("answers every mutated request with 2xx or 4xx in the error shape, never 500", async () => {
    const { app, projectId } = studio;
    const { cookie, csrf } = await studio.signIn("pro");
    const valid: { method: "GET" | "POST" | "DELETE"; url: string; body?: unknown }[] = [
      {
        method: "POST",
        url: "/api/session",
        body: { email: "pro@studio.test", password: "not the password at all" },
      },
      { method: "GET", url: `/api/projects/${projectId}` },
      { method: "GET", url: `/api/projects/${projectId}/revisions/1` },
      {
        method: "POST",
        url: `/api/projects/${projectId}/revisions`,
        body: {
          baseRevision: 1,
          operations: [
            { type: "chord.add", chord: { tick: 0, symbol: "C" } },
            { type: "param.set", trackId: "master", path: "faderDb", value: -2 },
            {
              type: "section.add",
              section: { id: "s", name: "Verse", startTick: 0, lengthTicks: 3840 },
            },
          ],
        },
      },
    ];
    const next = random(20261201);
    let requests = 0;
    const statuses = new Map<number, number>();
    for (let round = 0; round < 150; round++) {
      for (const request of valid) {
        const urlMutated = next() < 0.2;
        const url = urlMutated
          ? request.url.replace(projectId, String(STRANGE[Math.floor(next() * STRANGE.length)]))
          : request.url;
        const body =
          request.body === undefined ? undefined : JSON.stringify(mutate(request.body, next));
        const response = await app.inject({
          method: request.method,
          url: encodeURI(url).replace(/#/g, "%23").replace(/\?/g, "%3F"),
          headers: {
            cookie,
            "x-csrf-token": csrf,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          ...(body ? { payload: body } : {}),
        });
        requests++;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(
          response.statusCode,
          `${request.method} ${url} ${body?.slice(0, 200)} → ${response.body.slice(0, 300)}`,
        ).toBeLessThan(500);
        if (response.statusCode >= 400 && response.statusCode !== 429) {
          expect(response.json()).toMatchObject({
            ok: false,
            error: { code: expect.any(String), message: expect.any(String) },
          });
        }
      }
    }
    console.log(
      `route fuzz: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(requests).toBe(600);
  }, 120_000);
});
