import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCsrfSecret } from "../accounts/csrf.ts";
import { hashPassword, Password } from "../accounts/passwords.ts";
import { emptyProject } from "../music/project.ts";
import { openStore } from "../store/node/open-store.ts";
import type { Store } from "../store/store.ts";
import { buildServer } from "./app.ts";

/**
 * Seeded mutations of well-formed requests to every route: each answer must be a 2xx or a
 * 4xx in the one error shape, never a 500. The test says how many requests it made.
 */
const PASSWORD = "correct horse battery staple";
let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof buildServer>>;
let projectId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "controlroom-fuzz-"));
  store = await openStore({ dataDir: dir });
  const owner = await store.createAccount({
    email: "pro@studio.test",
    displayName: "Pro",
    passwordHash: await hashPassword(Password.from(PASSWORD)),
  });
  projectId = (
    await store.createProject({ title: "Fuzz", owner: owner.id, document: emptyProject() })
  ).id;
  app = await buildServer({ auth: { store, csrfSecret: newCsrfSecret() } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

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
    const signIn = await app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "pro@studio.test", password: PASSWORD },
    });
    const cookie = String(signIn.headers["set-cookie"]).split(";")[0];
    const csrf = signIn.json().csrfToken;
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
