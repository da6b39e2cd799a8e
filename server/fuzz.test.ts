import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectToMidi } from "../formats/midi/midi-export.ts";
import { wavHeader } from "../formats/wav/writer.ts";
import { Project, SCHEMA_VERSION } from "../music/project.ts";
import { productionFuzzRequests } from "./production-walk.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Seeded mutations of well-formed requests to every route: each answer must be a 2xx or a
 * 4xx in the one error shape, never a 500. The test says how many requests it made.
 */
let studio: StudioUnderTest;

/** Every route a fuzzed request reached, as Fastify names it (`PUT /api/projects/:projectId/files/*`). */
const reached = new Set<string>();

beforeAll(async () => {
  studio = await studioUnderTest(
    { pro: "producer", eng: "engineer", mus: "musician" },
    { jobs: "queue only" },
  );
  studio.app.addHook("onResponse", async (request) => {
    if (request.routeOptions.url) reached.add(`${request.method} ${request.routeOptions.url}`);
  });
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

/** A few bytes changed, cut short, or replaced: what a broken upload looks like. */
function mutateBytes(bytes: Buffer, next: () => number): Buffer {
  const roll = next();
  if (roll < 0.3) return bytes.subarray(0, Math.floor(next() * bytes.length));
  if (roll < 0.6) {
    const copy = Buffer.from(bytes);
    for (let i = 0; i < 4; i++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
    return copy;
  }
  return Buffer.from(String(STRANGE[Math.floor(next() * STRANGE.length)]));
}

interface ValidRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** A JSON body, mutated as JSON. */
  body?: unknown;
  /** A raw body (an upload), mutated as bytes. */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

describe("fuzzing the routes", () => {
  it("answers every mutated request with 2xx or 4xx in the error shape, never 500", async () => {
    const { app, projectId } = studio;
    const { cookie, csrf } = await studio.signIn("pro");
    const musician = await studio.signIn("mus");
    const asMusician = { cookie: musician.cookie, "x-csrf-token": musician.csrf };
    const take = Buffer.concat([
      wavHeader({
        channels: 1,
        sampleRate: 48_000,
        encoding: "int",
        bitsPerSample: 16,
        frames: 64,
      }),
      Buffer.alloc(128),
    ]);
    const project = `/api/projects/${projectId}`;
    const job = await studio.jobs!.submit(
      projectId,
      { kind: "analysis", file: "audio/take.wav" },
      studio.accountId("pro"),
    );
    // A song of one take and a few notes, to import as a zipped folder and as MIDI.
    const imported = Project.parse({
      schemaVersion: SCHEMA_VERSION,
      sources: [
        { id: "take", file: "audio/take.wav", sampleRate: 48_000, channels: 1, frames: 64 },
      ],
      tracks: [
        {
          id: "keys",
          name: "Keys",
          kind: "instrument",
          noteClips: [
            {
              id: "n",
              startTick: 0,
              lengthTicks: 960,
              notes: [{ pitch: 60, velocity: 90, startTick: 0, lengthTicks: 480 }],
            },
          ],
        },
      ],
    });
    const valid: ValidRequest[] = [
      {
        method: "POST",
        url: "/api/session",
        body: { email: "pro@studio.test", password: "not the password at all" },
      },
      { method: "GET", url: "/api/projects" },
      { method: "GET", url: project },
      { method: "GET", url: `${project}/revisions` },
      { method: "GET", url: `${project}/revisions/1` },
      {
        method: "POST",
        url: `${project}/revisions`,
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
      { method: "POST", url: `${project}/revisions/1/restore`, body: { baseRevision: 1 } },
      { method: "GET", url: `${project}/files` },
      {
        method: "PUT",
        url: `${project}/files/audio/take.wav`,
        bytes: take,
        headers: {
          "content-type": "audio/wav",
          "x-content-sha256": createHash("sha256").update(take).digest("hex"),
        },
      },
      { method: "GET", url: `${project}/files/audio/take.wav` },
      { method: "GET", url: `${project}/peaks/audio/take.wav?samplesPerPixel=2048` },
      { method: "DELETE", url: `${project}/files/audio/take.wav` },
      { method: "GET", url: `${project}/members` },
      {
        method: "POST",
        url: `${project}/invitations`,
        body: { email: "guest@studio.test", role: "viewer" },
      },
      { method: "POST", url: "/api/invitations/accept", body: { token: "a".repeat(43) } },
      { method: "POST", url: "/api/invitations/lookup", body: { token: "a".repeat(43) } },
      {
        method: "POST",
        url: "/api/invitations/sign-up",
        body: { token: "a".repeat(43), displayName: "Someone", password: "a long enough password" },
      },
      { method: "GET", url: `${project}/invitations` },
      {
        method: "DELETE",
        url: `${project}/invitations/00000000-0000-4000-8000-000000000000`,
      },
      { method: "POST", url: "/api/account/tokens", body: { name: "fuzz", expiresInDays: 7 } },
      { method: "GET", url: "/api/account/tokens" },
      { method: "DELETE", url: "/api/account/tokens/00000000-0000-4000-8000-000000000000" },
      {
        method: "PUT",
        url: "/api/account/password",
        body: { currentPassword: "not the password", newPassword: "not the password either" },
      },
      {
        method: "POST",
        url: "/api/password-reset",
        body: { token: "b".repeat(43), password: "a long enough password" },
      },
      { method: "GET", url: "/api/accounts" },
      {
        method: "POST",
        url: "/api/accounts/00000000-0000-4000-8000-000000000000/password-reset",
      },
      { method: "POST", url: "/api/accounts/00000000-0000-4000-8000-000000000000/enable" },
      { method: "POST", url: `/api/accounts/${studio.accountId("eng")}/disable` },
      { method: "GET", url: "/api/session" },
      // Ending a session: the musician's, so the rounds after go on as the producer.
      { method: "DELETE", url: "/api/session", headers: asMusician },
      { method: "POST", url: "/api/account/sign-out-everywhere", headers: asMusician },
      {
        method: "PUT",
        url: `${project}/members/${studio.accountId("eng")}`,
        body: { role: "musician" },
      },
      { method: "DELETE", url: `${project}/members/${studio.accountId("mus")}` },
      { method: "GET", url: `${project}/audit?limit=5` },
      { method: "POST", url: `${project}/jobs`, body: { kind: "render", endSeconds: 1.5 } },
      {
        method: "POST",
        url: `${project}/jobs`,
        body: { kind: "master", file: "audio/take.wav", profile: "spotify" },
      },
      { method: "GET", url: `${project}/jobs` },
      { method: "GET", url: `${project}/jobs/${job.id}` },
      { method: "POST", url: `${project}/jobs/${job.id}/cancel` },
      { method: "POST", url: "/api/projects", body: { title: "Fuzzed" } },
      {
        method: "POST",
        url: "/api/projects?from=folder&title=Zipped",
        bytes: Buffer.from(
          zipSync({
            "project.json": new TextEncoder().encode(JSON.stringify(imported)),
            "audio/take.wav": take,
          }),
        ),
        headers: { "content-type": "application/zip" },
      },
      {
        method: "POST",
        url: "/api/projects?from=midi",
        bytes: Buffer.from(projectToMidi(imported)),
        headers: { "content-type": "audio/midi" },
      },
      { method: "GET", url: `${project}?include=document` },
      { method: "GET", url: `${project}/export?format=folder&revision=1` },
      { method: "GET", url: `${project}/export?format=dawproject` },
      { method: "PUT", url: `${project}/document`, body: { baseRevision: 1, document: imported } },
      { method: "POST", url: `${project}/archive` },
      { method: "GET", url: "/api/projects?archived=true" },
      { method: "POST", url: `${project}/unarchive` },
      ...(await productionFuzzRequests(studio, "pro")),
    ];
    const next = random(20261201);
    let requests = 0;
    const statuses = new Map<number, number>();
    const rounds = 100;
    for (let round = 0; round < rounds; round++) {
      for (const request of valid) {
        // The project id, or the last part of the path (a file name, a member, a number).
        const roll = next();
        const strange = String(STRANGE[Math.floor(next() * STRANGE.length)]);
        const url =
          roll < 0.15
            ? request.url.replace(projectId, strange)
            : roll < 0.3
              ? request.url.replace(/[^/?]+(\?.*)?$/, `${strange}$1`)
              : request.url;
        const payload =
          request.bytes !== undefined
            ? mutateBytes(request.bytes, next)
            : request.body === undefined
              ? undefined
              : JSON.stringify(mutate(request.body, next));
        const headers: Record<string, string> = {
          cookie,
          "x-csrf-token": csrf,
          ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
          ...request.headers,
        };
        if (request.headers?.["x-content-sha256"] && next() < 0.3) {
          headers["x-content-sha256"] = strange;
        }
        const response = await app.inject({
          method: request.method,
          url: encodeURI(url).replace(/#/g, "%23"),
          headers,
          ...(payload !== undefined ? { payload } : {}),
        });
        requests++;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(
          response.statusCode,
          `${request.method} ${url} ${String(payload).slice(0, 200)} → ${response.body.slice(0, 300)}`,
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
    expect(requests).toBe(rounds * valid.length);
    // Every API route the server declares was fuzzed but the feed, a WebSocket.
    const declared = [...studio.app.routeAccess.keys()].filter((route) => !route.endsWith("/feed"));
    expect(declared.filter((route) => !reached.has(route))).toEqual([]);
    // The well-formed requests that survive mutation reach the routes and succeed.
    expect(statuses.get(200)).toBeGreaterThan(requests / 10);
  }, 300_000);
});
