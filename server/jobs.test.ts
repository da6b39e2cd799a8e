import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseWavHeader } from "../formats/wav/header.ts";
import { emptyProject } from "../music/project.ts";
import { readBlob } from "../store/blob-store.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/** The job routes over a real queue and a worker in this process (PGlite). */
let studio: StudioUnderTest;
let app: StudioUnderTest["app"];
let projectId: string;
type Session = { cookie: string; csrf: string };
let eng: Session;

beforeAll(async () => {
  studio = await studioUnderTest(
    { pro: "producer", eng: "engineer", mus: "musician", view: "viewer", out: null },
    { jobs: "queue and worker" },
  );
  ({ app, projectId } = studio);
  eng = await studio.signIn("eng");
}, 60_000);
afterAll(() => studio?.close());

const post = (who: Session, url: string, payload?: unknown) =>
  app.inject({
    method: "POST",
    url,
    payload: payload as object,
    headers: { cookie: who.cookie, "x-csrf-token": who.csrf },
  });
const get = (who: Session, url: string) => app.inject({ url, headers: { cookie: who.cookie } });

async function untilFinished(who: Session, jobId: string) {
  return vi.waitFor(
    async () => {
      const job = (await get(who, `/api/projects/${projectId}/jobs/${jobId}`)).json();
      if (!job.finishedAt) throw new Error(`job is ${job.state}`);
      return job;
    },
    { timeout: 60_000, interval: 100 },
  );
}

describe("jobs over HTTP", () => {
  it("starts a render, shows its progress and runs, and lists its mix among the project's jobs", async () => {
    const started = await post(eng, `/api/projects/${projectId}/jobs`, {
      kind: "render",
      endSeconds: 1,
    });
    expect(started.statusCode).toBe(201);
    const job = started.json();
    expect(job).toMatchObject({ kind: "render", state: "queued", progress: 0 });
    const done = await untilFinished(eng, job.id);
    expect(done).toMatchObject({
      state: "done",
      progress: 1,
      runs: [{ attempt: 1, worker: "worker-in-test", outcome: "done" }],
      result: { files: [{ name: `jobs/${job.id}/mix.wav`, mediaType: "audio/wav" }] },
    });
    const viewer = await studio.signIn("view");
    const list = (await get(viewer, `/api/projects/${projectId}/jobs`)).json();
    expect(list.jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    const mix = await studio.store.findFile(projectId, `jobs/${job.id}/mix.wav`);
    const bytes = await readBlob(studio.store.blobs, mix!.sha256);
    expect(parseWavHeader(bytes, bytes.byteLength, "mix.wav")).toMatchObject({
      frames: 48_000,
      channels: 2,
      bitsPerSample: 24,
    });
  });

  it("lets only roles with jobs.run start or cancel, and hides jobs from non-members", async () => {
    const musician = await studio.signIn("mus");
    const refused = await post(musician, `/api/projects/${projectId}/jobs`, {
      kind: "render",
      endSeconds: 1,
    });
    expect(refused.statusCode).toBe(403);
    const job = (
      await post(eng, `/api/projects/${projectId}/jobs`, { kind: "render", endSeconds: 1 })
    ).json();
    expect(
      (await post(musician, `/api/projects/${projectId}/jobs/${job.id}/cancel`)).statusCode,
    ).toBe(403);
    const outsider = await studio.signIn("out");
    expect((await get(outsider, `/api/projects/${projectId}/jobs/${job.id}`)).statusCode).toBe(404);
    expect((await get(outsider, `/api/projects/${projectId}/jobs`)).statusCode).toBe(404);
    await untilFinished(eng, job.id);
  });

  it("finds no job through another project, even one the caller belongs to", async () => {
    const job = (
      await post(eng, `/api/projects/${projectId}/jobs`, { kind: "render", endSeconds: 1 })
    ).json();
    const pro = await studio.store.findAccountByEmail("pro@studio.test");
    const other = await studio.store.createProject({
      title: "Other",
      owner: pro!.id,
      document: emptyProject({ title: "Other" }),
    });
    await studio.store.setMemberRole(
      other.id,
      (await studio.store.findAccountByEmail("eng@studio.test"))!.id,
      "engineer",
    );
    const through = await get(eng, `/api/projects/${other.id}/jobs/${job.id}`);
    expect(through.statusCode).toBe(404);
    expect((await post(eng, `/api/projects/${other.id}/jobs/${job.id}/cancel`)).statusCode).toBe(
      404,
    );
    await untilFinished(eng, job.id);
  });

  it("refuses bad requests with 4xx naming the field, before anything is queued", async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ kind: "mixdown" }, 400, /kind/],
      [{ kind: "render", endSeconds: 1, colour: "red" }, 400, /colour/],
      [{ kind: "render", bitDepth: 12 }, 400, /bitDepth/],
      [{ kind: "render", format: "mp3", bitDepth: 24 }, 400, /MP3 is 16-bit, not 24-bit/],
      [{ kind: "render", format: "flac", bitDepth: 32 }, 400, /FLAC is 16 or 24-bit/],
      [{ kind: "render", revision: 99 }, 404, /99/],
      [{ kind: "render", startSeconds: 2, endSeconds: 1 }, 400, /reversed/],
      [{ kind: "render", startSeconds: 10 }, 400, /after the song has ended/],
      [{ kind: "render", endSeconds: 600 }, 400, /past the song's end/],
      [
        { kind: "master", file: "jobs/none/mix.wav", profile: "spotify" },
        404,
        /jobs\/none\/mix\.wav/,
      ],
      [{ kind: "master", file: "audio/a.wav", profile: "radio-1" }, 400, /profile/],
      [{ kind: "analysis", file: "../../etc/passwd" }, 400, /etc\/passwd/],
    ];
    const before = (await get(eng, `/api/projects/${projectId}/jobs`)).json().jobs.length;
    for (const [body, status, message] of cases) {
      const response = await post(eng, `/api/projects/${projectId}/jobs`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(response.json().error), JSON.stringify(body)).toMatch(message);
    }
    expect((await get(eng, `/api/projects/${projectId}/jobs`)).json().jobs.length).toBe(before);
    expect((await get(eng, `/api/projects/${projectId}/jobs/not-a-job`)).statusCode).toBe(400);
  });

  it("writes an MP3 at 16 bits when no bit depth is asked for", async () => {
    const started = await post(eng, `/api/projects/${projectId}/jobs`, {
      kind: "render",
      format: "mp3",
      endSeconds: 1,
    });
    expect(started.statusCode, started.body).toBe(201);
    const done = await untilFinished(eng, started.json().id);
    expect(done).toMatchObject({
      state: "done",
      result: { report: { bitDepth: 16, format: "mp3" } },
    });
  });

  it("tells the feed why a job failed", async () => {
    const heard: unknown[] = [];
    const stop = await studio.store.onEvents((event) => heard.push(event));
    try {
      await studio.store.putFile(projectId, "notes/lyrics.txt", Buffer.from("la la la\n"), {
        mediaType: "text/plain",
      });
      const job = (
        await post(eng, `/api/projects/${projectId}/jobs`, {
          kind: "analysis",
          file: "notes/lyrics.txt",
        })
      ).json();
      const failed = await untilFinished(eng, job.id);
      expect(failed.state).toBe("failed");
      await vi.waitFor(() =>
        expect(heard).toContainEqual(
          expect.objectContaining({ jobId: job.id, state: "failed", error: failed.error }),
        ),
      );
    } finally {
      await stop();
    }
  });

  it("cancels a running job, and answers 409 to cancelling a finished one", async () => {
    // An hour-long arrangement, so an hour's render is inside the song.
    const { currentRevision } = (await studio.store.findProject(projectId))!;
    const planned = await post(await studio.signIn("pro"), `/api/projects/${projectId}/revisions`, {
      baseRevision: currentRevision,
      operations: [
        {
          type: "section.add",
          section: { id: "long-intro", name: "Long intro", startTick: 0, lengthTicks: 7_000_000 },
        },
      ],
    });
    expect(planned.statusCode, planned.body).toBe(200);
    const job = (
      await post(eng, `/api/projects/${projectId}/jobs`, { kind: "render", endSeconds: 3_600 })
    ).json();
    await vi.waitFor(
      async () => {
        const now = (await get(eng, `/api/projects/${projectId}/jobs/${job.id}`)).json();
        if (now.stage !== "rendering") throw new Error("not running yet");
      },
      { timeout: 60_000, interval: 50 },
    );
    const cancelled = await post(eng, `/api/projects/${projectId}/jobs/${job.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().state).toBe("cancelled");
    const finished = await untilFinished(eng, job.id);
    expect(finished).toMatchObject({ state: "cancelled", result: null });
    const again = await post(eng, `/api/projects/${projectId}/jobs/${job.id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already finished/);
  });
});
