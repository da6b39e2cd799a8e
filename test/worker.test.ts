import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoProject } from "../examples/demo-song/seed-store.ts";
import { JobQueue } from "../jobs/node/job-queue.ts";
import type { JobRecord } from "../store/jobs.ts";
import type { ProjectRecord } from "../store/projects.ts";
import { type OpenedStore, testDatabases } from "../store/test-support/databases.ts";
import { someAccount } from "../store/test-support/documents.ts";

/**
 * `controlroom worker` processes sharing one queue, as a team runs them: on a PostgreSQL
 * server (the embedded database belongs to one process), with the studio's blob folder.
 */
const CLI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "cli",
  "bin",
  "controlroom.ts",
);
const postgres = testDatabases.find((database) => database.name === "PostgreSQL")!;

interface Worker {
  name: string;
  child: ChildProcess;
  output: () => string;
}

describe.skipIf(postgres.skip)("controlroom worker processes on PostgreSQL", () => {
  let opened: OpenedStore;
  let queue: JobQueue;
  let project: ProjectRecord;
  let engineer: string;
  const workers: Worker[] = [];

  function startWorker(name: string): Promise<Worker> {
    const child = spawn(
      process.execPath,
      [CLI, "worker", "--name", name, "--data", opened.options.dataDir!],
      { env: { ...process.env, DATABASE_URL: opened.options.databaseUrl } },
    );
    let output = "";
    const worker = { name, child, output: () => output };
    workers.push(worker);
    return new Promise((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("is taking jobs")) resolve(worker);
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.on("exit", (code) =>
        reject(new Error(`worker ${name} exited with ${code}: ${output}`)),
      );
    });
  }

  const job = (id: string) => opened.store.findJob(project.id, id);

  const allFinished = (jobs: JobRecord[], timeout: number) =>
    vi.waitFor(
      async () => {
        const now = await Promise.all(jobs.map((j) => job(j.id)));
        const waiting = now.filter((j) => !j?.finishedAt);
        if (waiting.length > 0) throw new Error(`${waiting.length} jobs have not finished`);
        return now as JobRecord[];
      },
      { timeout, interval: 200 },
    );

  beforeAll(async () => {
    opened = await postgres.open();
    const producer = await someAccount(opened.store, "Producer");
    engineer = (await someAccount(opened.store, "Engineer")).id;
    project = await seedDemoProject(opened.store, producer.id);
    queue = await JobQueue.open(opened.store);
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill("SIGKILL");
    await queue?.stop(1_000);
    await opened?.cleanup();
  });

  it("two workers share 20 renders, and each render runs exactly once", async () => {
    await Promise.all([startWorker("w1"), startWorker("w2")]);
    const jobs: JobRecord[] = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(
        await queue.submit(
          project.id,
          { kind: "render", endSeconds: 1, bitDepth: 16, format: "wav" },
          engineer,
        ),
      );
    }
    const done = await allFinished(jobs, 240_000);
    expect(done.map((j) => j.state)).toEqual(jobs.map(() => "done"));
    const runs = await Promise.all(jobs.map((j) => opened.store.listJobRuns(j.id)));
    for (const jobRuns of runs) expect(jobRuns).toMatchObject([{ attempt: 1, outcome: "done" }]);
    const byWorker = new Map<string, number>();
    for (const [run] of runs) byWorker.set(run.worker, (byWorker.get(run.worker) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(["w1", "w2"]);
    // Every render's mix is in the blob store under its own job.
    const files = new Set((await opened.store.listFiles(project.id)).map((f) => f.name));
    for (const j of jobs) expect(files.has(`jobs/${j.id}/mix.wav`)).toBe(true);
    expect(await opened.store.checkBlobs()).toMatchObject({ missing: [] });
  }, 300_000);

  it("a job whose worker is killed mid-render runs again on the other worker", async () => {
    const long = await queue.submit(
      project.id,
      { kind: "render", endSeconds: 60, bitDepth: 16, format: "wav" },
      engineer,
    );
    const running = await vi.waitFor(
      async () => {
        const now = await job(long.id);
        const [run] = await opened.store.listJobRuns(long.id);
        if (!(now?.state === "running" && now.progress > 0.1 && run))
          throw new Error("not running yet");
        return run;
      },
      { timeout: 120_000, interval: 50 },
    );
    const victim = workers.find((w) => w.name === running.worker)!;
    victim.child.kill("SIGKILL");
    const [finished] = await allFinished([long], 240_000);
    expect(finished.state).toBe("done");
    const runs = await opened.store.listJobRuns(long.id);
    const survivor = workers.find((w) => w !== victim && w.name.startsWith("w"))!.name;
    expect(runs).toMatchObject([
      { attempt: 1, worker: victim.name, outcome: null, finishedAt: null },
      { attempt: 2, worker: survivor, outcome: "done" },
    ]);
    const files = (await opened.store.listFiles(project.id)).filter((f) =>
      f.name.startsWith(`jobs/${long.id}/`),
    );
    expect(files.map((f) => f.name)).toEqual([`jobs/${long.id}/mix.wav`]);
  }, 400_000);
});
