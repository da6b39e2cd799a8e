import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoProject } from "../examples/demo-song/seed-store.ts";
import { JobQueue } from "../jobs/node/job-queue.ts";
import type { JobRecord, JobRun } from "../store/jobs.ts";
import type { ProjectRecord } from "../store/projects.ts";
import { type OpenedStore, testDatabases } from "../store/test-support/databases.ts";
import { someAccount } from "../store/test-support/documents.ts";
import { CLI } from "./support/cli.ts";

/**
 * `controlroom worker` processes sharing one queue, as a team runs them: on a PostgreSQL
 * server (the embedded database belongs to one process), with the studio's blob folder.
 */
const postgres = testDatabases.find((database) => database.name === "PostgreSQL")!;

interface Worker {
  name: string;
  child: ChildProcess;
}

/** A database with the demo project, a queue to submit to, and worker processes on it. */
function queueOnPostgres(queueOptions: { retryLimit?: number } = {}) {
  let opened: OpenedStore;
  let queue: JobQueue;
  let project: ProjectRecord;
  let engineer: string;
  const workers: Worker[] = [];

  beforeAll(async () => {
    opened = await postgres.open();
    const producer = await someAccount(opened.store, "Producer");
    engineer = (await someAccount(opened.store, "Engineer")).id;
    project = await seedDemoProject(opened.store, producer.id);
    queue = await JobQueue.open(opened.store, queueOptions);
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill("SIGKILL");
    await queue?.stop(1_000);
    await opened?.cleanup();
  });

  const job = (id: string) => opened.store.findJob(project.id, id);

  return {
    workers,
    store: () => opened.store,
    projectId: () => project.id,
    job,
    runs: (id: string): Promise<JobRun[]> => opened.store.listJobRuns(id),
    render: (endSeconds: number) =>
      queue.submit(
        project.id,
        { kind: "render", endSeconds, bitDepth: 16, format: "wav" },
        engineer,
      ),

    startWorker(name: string): Promise<Worker> {
      const child = spawn(
        process.execPath,
        [CLI, "worker", "--name", name, "--data", opened.options.dataDir!],
        { env: { ...process.env, DATABASE_URL: opened.options.databaseUrl } },
      );
      let output = "";
      const worker = { name, child };
      workers.push(worker);
      return new Promise((resolve, reject) => {
        child.stdout?.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("is taking jobs")) resolve(worker);
        });
        child.stderr?.on("data", (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.on("exit", (code, signal) => {
          if (signal !== "SIGKILL")
            reject(new Error(`worker ${name} exited with ${code}: ${output}`));
        });
      });
    },

    /** Waits until the job is rendering, and returns the worker that runs it. */
    async rendering(id: string): Promise<Worker> {
      const run = await vi.waitFor(
        async () => {
          const [first] = await opened.store.listJobRuns(id);
          if ((await job(id))?.stage !== "rendering" || !first)
            throw new Error("not rendering yet");
          return first;
        },
        { timeout: 120_000, interval: 50 },
      );
      return workers.find((w) => w.name === run.worker)!;
    },

    allFinished: (jobs: JobRecord[], timeout: number) =>
      vi.waitFor(
        async () => {
          const now = await Promise.all(jobs.map((j) => job(j.id)));
          const waiting = now.filter((j) => !j?.finishedAt);
          if (waiting.length > 0) throw new Error(`${waiting.length} jobs have not finished`);
          return now as JobRecord[];
        },
        { timeout, interval: 200 },
      ),
  };
}

describe.skipIf(postgres.skip)("controlroom worker processes on PostgreSQL", () => {
  const studio = queueOnPostgres();

  it("two workers share 20 renders, and each render runs exactly once", async () => {
    await Promise.all([studio.startWorker("w1"), studio.startWorker("w2")]);
    const jobs: JobRecord[] = [];
    for (let i = 0; i < 20; i++) jobs.push(await studio.render(1));
    const done = await studio.allFinished(jobs, 240_000);
    expect(done.map((j) => j.state)).toEqual(jobs.map(() => "done"));
    const runs = await Promise.all(jobs.map((j) => studio.runs(j.id)));
    for (const jobRuns of runs) expect(jobRuns).toMatchObject([{ attempt: 1, outcome: "done" }]);
    const byWorker = new Map<string, number>();
    for (const [run] of runs) byWorker.set(run.worker, (byWorker.get(run.worker) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(["w1", "w2"]);
    // Every render's mix is in the blob store under its own job.
    const files = new Set((await studio.store().listFiles(studio.projectId())).map((f) => f.name));
    for (const j of jobs) expect(files.has(`jobs/${j.id}/mix.wav`)).toBe(true);
    expect(await studio.store().checkBlobs()).toMatchObject({ missing: [] });
  }, 300_000);

  it("a job whose worker is killed mid-render runs again on the other worker", async () => {
    const long = await studio.render(60);
    const victim = await studio.rendering(long.id);
    victim.child.kill("SIGKILL");
    const [finished] = await studio.allFinished([long], 240_000);
    expect(finished.state).toBe("done");
    const survivor = studio.workers.find((w) => w !== victim)!;
    expect(await studio.runs(long.id)).toMatchObject([
      { attempt: 1, worker: victim.name, outcome: null, finishedAt: null },
      { attempt: 2, worker: survivor.name, outcome: "done" },
    ]);
    const files = (await studio.store().listFiles(studio.projectId())).filter((f) =>
      f.name.startsWith(`jobs/${long.id}/`),
    );
    expect(files.map((f) => f.name)).toEqual([`jobs/${long.id}/mix.wav`]);
  }, 400_000);
});

describe.skipIf(postgres.skip)("a job the queue gives up on, on PostgreSQL", () => {
  const studio = queueOnPostgres({ retryLimit: 0 });

  it("is marked failed when its only allowed attempt's worker is killed", async () => {
    await studio.startWorker("first");
    const long = await studio.render(60);
    const victim = await studio.rendering(long.id);
    victim.child.kill("SIGKILL");
    await studio.startWorker("second");
    const [finished] = await studio.allFinished([long], 240_000);
    expect(finished).toMatchObject({
      state: "failed",
      error: "the workers running it stopped answering on every attempt",
    });
    expect(await studio.runs(long.id)).toMatchObject([
      { attempt: 1, worker: "first", outcome: null },
    ]);
  }, 300_000);
});
