import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoProject } from "../../examples/demo-song/seed-store.ts";
import { parseWavHeader } from "../../formats/wav/header.ts";
import { readBlob } from "../../store/blob-store.ts";
import type { JobRecord } from "../../store/jobs.ts";
import type { ProjectRecord } from "../../store/projects.ts";
import type { Store } from "../../store/store.ts";
import { type OpenedStore, testDatabases } from "../../store/test-support/databases.ts";
import { someAccount } from "../../store/test-support/documents.ts";
import type { JobRequest } from "../requests.ts";
import { JobQueue } from "./job-queue.ts";

/** Jobs on the queue of each database, run by a worker in this process. */
for (const database of testDatabases) {
  describe.skipIf(database.skip)(`jobs on ${database.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let queue: JobQueue;
    let project: ProjectRecord;
    let engineer: string;

    beforeAll(async () => {
      opened = await database.open();
      store = opened.store;
      const producer = await someAccount(store, "Producer");
      engineer = (await someAccount(store, "Engineer")).id;
      project = await seedDemoProject(store, producer.id);
      queue = await JobQueue.open(store);
      await queue.work({ name: "worker-in-test" });
    }, 120_000);
    afterAll(async () => {
      await queue?.stop(5_000);
      await opened?.cleanup();
    });

    const finished = (job: JobRecord, timeout = 120_000) =>
      vi.waitFor(
        async () => {
          const now = await store.findJob(project.id, job.id);
          if (!now?.finishedAt) throw new Error(`job ${job.id} is ${now?.state} (${now?.stage})`);
          return now;
        },
        { timeout, interval: 100 },
      );

    const submit = (request: unknown) => queue.submit(project.id, request as JobRequest, engineer);

    it("renders a revision into a WAV in the blob store, with progress and one run", async () => {
      const job = await submit({ kind: "render", endSeconds: 4, bitDepth: 16 });
      expect(job.state).toBe("queued");
      const done = await finished(job);
      expect(done).toMatchObject({ state: "done", progress: 1, error: null });
      const [file] = (done.result as { files: { name: string; sha256: string }[] }).files;
      expect(file.name).toBe(`jobs/${job.id}/mix.wav`);
      expect(await store.findFile(project.id, file.name)).toMatchObject({ sha256: file.sha256 });
      const bytes = await readBlob(store.blobs, file.sha256);
      const info = parseWavHeader(bytes, bytes.byteLength, file.name);
      expect(info).toMatchObject({ channels: 2, sampleRate: 48_000 });
      expect(info.frames).toBe(4 * 48_000);
      expect(done.result).toMatchObject({ report: { revision: 1, seconds: 4 } });
      const runs = await store.listJobRuns(job.id);
      expect(runs).toMatchObject([{ attempt: 1, worker: "worker-in-test", outcome: "done" }]);
    }, 180_000);

    it("masters a render and analyses the master, each result a project file", async () => {
      const render = await finished(await submit({ kind: "render", endSeconds: 6 }));
      const mix = (render.result as { files: { name: string }[] }).files[0].name;
      const master = await finished(
        await submit({ kind: "master", file: mix, profile: "spotify" }),
      );
      expect(master.state).toBe("done");
      expect(master.result).toMatchObject({ report: { profile: "spotify", pass: true } });
      const masterFile = (master.result as { files: { name: string }[] }).files[0].name;
      const analysis = await finished(await submit({ kind: "analysis", file: masterFile }));
      expect(analysis.state).toBe("done");
      const report = (analysis.result as { report: { loudness: { integratedLufs: number } } })
        .report;
      // The analysis reads the master within the ±0.3 LU every profile is mastered to.
      expect(Math.abs(report.loudness.integratedLufs - -14)).toBeLessThanOrEqual(0.3);
      expect(await store.findFile(project.id, `jobs/${analysis.id}/analysis.json`)).toBeDefined();
    }, 300_000);

    it("fails a job whose file is not in the project once, naming the file", async () => {
      const job = await finished(await submit({ kind: "analysis", file: "audio/nothing.wav" }));
      expect(job.state).toBe("failed");
      expect(job.error).toContain("audio/nothing.wav");
      expect(await store.listJobRuns(job.id)).toMatchObject([{ attempt: 1, outcome: "failed" }]);
    }, 60_000);

    it("cancels a running render: it stops, keeps no result, and the worker goes on", async () => {
      const long = await submit({ kind: "render", endSeconds: 3_600 });
      await vi.waitFor(
        async () => {
          const now = await store.findJob(project.id, long.id);
          if (now?.stage !== "rendering") throw new Error("not yet");
        },
        { timeout: 60_000, interval: 50 },
      );
      await queue.cancel(project.id, long.id);
      const cancelled = await finished(long);
      expect(cancelled.state).toBe("cancelled");
      await vi.waitFor(
        async () => {
          const [run] = await store.listJobRuns(long.id);
          expect(run.outcome).toBe("cancelled");
        },
        { timeout: 30_000, interval: 100 },
      );
      const files = await store.listFiles(project.id);
      expect(files.filter((f) => f.name.startsWith(`jobs/${long.id}/`))).toEqual([]);
      const next = await finished(await submit({ kind: "render", endSeconds: 1 }));
      expect(next.state).toBe("done");
    }, 180_000);

    it("refuses to cancel a finished job, and finds no job of another project", async () => {
      const job = await finished(await submit({ kind: "render", endSeconds: 1 }));
      await expect(queue.cancel(project.id, job.id)).rejects.toMatchObject({
        code: "E_JOB_FINISHED",
      });
      const other = await seedDemoProject(store, engineer);
      expect(await store.findJob(other.id, job.id)).toBeUndefined();
      await expect(queue.cancel(other.id, job.id)).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    }, 120_000);
  });
}
