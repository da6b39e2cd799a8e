import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { fromPglite, type JobWithMetadata, PgBoss } from "pg-boss";
import { isControlRoomError } from "../../music/errors.ts";
import type { JobRecord } from "../../store/jobs.ts";
import { JOB_KINDS, type JobKind, type JobState } from "../../store/schema.ts";
import type { Store } from "../../store/store.ts";
import type { JobRequest } from "../requests.ts";
import { type JobContext, runJob } from "./run-job.ts";

/** What pg-boss carries; everything else about the job is in the studio's `jobs` table. */
interface QueuedJob {
  jobId: string;
  projectId: string;
}

/**
 * A worker that stops sending heartbeats for this long (killed, or its machine gone) loses
 * its job, which goes back on the queue for another worker. pg-boss's smallest is 10 s.
 */
const HEARTBEAT_SECONDS = 10;
/** Heartbeats are also how a running job hears that it was cancelled. */
const HEARTBEAT_REFRESH_SECONDS = 1;
/**
 * How often pg-boss looks for jobs whose worker went quiet (its monitor pass, which runs in
 * its supervise loop); 60 s by default, which would leave a dead worker's job waiting a minute.
 */
const SUPERVISE_SECONDS = 5;
/** Tries after the first, for a worker that died or an error that was not the request's fault. */
const RETRY_LIMIT = 2;
/**
 * Where pg-boss puts a job it gave up on (every attempt's worker went quiet, or it ran past
 * its time): the job is marked failed there, by whichever worker is running.
 */
const ABANDONED = "abandoned-jobs";
/** The longest a job may run, however many heartbeats it sends. */
const EXPIRE_SECONDS = 4 * 60 * 60;
/** Progress goes to the database at most this often. */
const PROGRESS_INTERVAL_MS = 250;

export interface WorkOptions {
  /** How this worker is named in a job's runs; host and process id by default. */
  name?: string;
  /** Jobs this process runs at once. */
  concurrency?: number;
  /** Told when a job starts and ends, for logs and the CLI. */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: "started"; job: JobRecord; attempt: number }
  | {
      type: "finished";
      jobId: string;
      attempt: number;
      outcome: "done" | "failed" | "cancelled";
      error?: string;
    };

/**
 * Render, master and analysis jobs on pg-boss, in the store's own database: PGlite's one
 * connection in-process, or the PostgreSQL server every worker process shares.
 */
export class JobQueue {
  readonly #store: Store;
  readonly #boss: PgBoss;

  private constructor(store: Store, boss: PgBoss) {
    this.#store = store;
    this.#boss = boss;
  }

  /** `retryLimit` applies only when the queues are first created in this database. */
  static async open(store: Store, queueOptions: { retryLimit?: number } = {}): Promise<JobQueue> {
    const connection = store.connection;
    const options = {
      schema: "pgboss",
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      monitorIntervalSeconds: SUPERVISE_SECONDS,
      registerInstance: false,
      openTelemetry: { enabled: false },
    };
    const boss =
      connection.kind === "pglite"
        ? new PgBoss({
            ...options,
            backend: "pglite",
            db: fromPglite(connection.client),
          })
        : new PgBoss({ ...options, connectionString: connection.databaseUrl, max: 4 });
    // pg-boss reports trouble it recovers from (a dropped connection, a slow query) as events;
    // without a listener Node would treat them as crashes.
    boss.on("error", (error) => console.error(`job queue: ${error.message}`));
    await boss.start();
    await boss.createQueue(ABANDONED, { retryLimit: RETRY_LIMIT });
    for (const kind of JOB_KINDS) {
      await boss.createQueue(kind, {
        heartbeatSeconds: HEARTBEAT_SECONDS,
        retryLimit: queueOptions.retryLimit ?? RETRY_LIMIT,
        expireInSeconds: EXPIRE_SECONDS,
        deadLetter: ABANDONED,
      });
    }
    return new JobQueue(store, boss);
  }

  /** Records the job for its project and puts it on the queue. */
  async submit(projectId: string, request: JobRequest, requestedBy: string): Promise<JobRecord> {
    const job = await this.#store.createJob({
      id: randomUUID(),
      projectId,
      kind: request.kind,
      request,
      requestedBy,
    });
    const queued: QueuedJob = { jobId: job.id, projectId };
    await this.#boss.send(request.kind, queued, { id: job.id });
    this.#announce(job, "queued", 0, "");
    return job;
  }

  /**
   * Cancels a queued or running job: the queue drops it, and a worker running it hears so
   * at its next heartbeat and stops.
   */
  async cancel(projectId: string, jobId: string): Promise<JobRecord> {
    const job = await this.#store.cancelJob(projectId, jobId);
    await this.#boss.cancel(job.kind, job.id);
    this.#announce(job, "cancelled", job.progress, "cancelled");
    return job;
  }

  /** Starts taking jobs of every kind in this process. */
  async work(options: WorkOptions = {}): Promise<void> {
    const name = options.name ?? `${hostname()}:${process.pid}`;
    for (const kind of JOB_KINDS) {
      await this.#boss.work(
        kind,
        {
          localConcurrency: options.concurrency ?? 1,
          heartbeatRefreshSeconds: HEARTBEAT_REFRESH_SECONDS,
          pollingIntervalSeconds: 1,
          includeMetadata: true,
        },
        async ([queued]: JobWithMetadata<QueuedJob>[]) =>
          this.#run(kind, queued, name, options.onEvent),
      );
    }
    await this.#boss.work<QueuedJob>(ABANDONED, { pollingIntervalSeconds: 2 }, async ([queued]) => {
      const { jobId, projectId } = queued.data;
      const error = "the workers running it stopped answering on every attempt";
      await this.#store.abandonJob(jobId, error);
      const job = await this.#store.findJob(projectId, jobId);
      if (job) this.#announce(job, job.state, job.progress, job.stage, error);
      options.onEvent?.({ type: "finished", jobId, attempt: 0, outcome: "failed", error });
    });
  }

  async #run(
    kind: JobKind,
    queued: JobWithMetadata<QueuedJob>,
    worker: string,
    onEvent: WorkOptions["onEvent"],
  ): Promise<void> {
    const store = this.#store;
    const { jobId, projectId } = queued.data;
    const attempt = queued.retryCount + 1;
    const job = await store.findJob(projectId, jobId);
    if (!job || job.kind !== kind) return;
    if (!(await store.startJobRun(jobId, attempt, worker))) return;
    const announce = (state: JobState, progress: number, stage: string, error?: string) =>
      this.#announce(job, state, progress, stage, error);
    announce("running", 0, "starting");
    onEvent?.({ type: "started", job, attempt });
    let lastReport = 0;
    const context: JobContext = {
      signal: queued.signal,
      progress(fraction, stage) {
        if (queued.signal.aborted) throw queued.signal.reason ?? new Error("cancelled");
        const now = Date.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastReport = now;
        store.reportJobProgress(jobId, fraction, stage).catch(() => {});
        announce("running", fraction, stage);
      },
    };
    try {
      const result = await runJob(store, job, context);
      await store.finishJobRun(jobId, attempt, { outcome: "done", result });
      announce("done", 1, "done");
      onEvent?.({ type: "finished", jobId, attempt, outcome: "done" });
    } catch (error) {
      if ((await store.jobState(jobId)) === "cancelled") {
        await store.finishJobRun(jobId, attempt, { outcome: "cancelled" });
        announce("cancelled", 0, "cancelled");
        onEvent?.({ type: "finished", jobId, attempt, outcome: "cancelled" });
        return;
      }
      const message = (error as Error).message;
      // A request the job cannot carry out (a missing file, a bad profile) fails for good;
      // anything else is tried again, on whichever worker takes it.
      const final = isControlRoomError(error) || queued.retryCount >= queued.retryLimit;
      await store.finishJobRun(jobId, attempt, { outcome: "failed", error: message, final });
      if (final) announce("failed", 0, "failed", message);
      else announce("queued", 0, "waiting to try again");
      onEvent?.({ type: "finished", jobId, attempt, outcome: "failed", error: message });
      if (!final) throw error;
    }
  }

  /** Everyone watching the project hears how the job goes (the studio's change feed). */
  #announce(
    job: Pick<JobRecord, "id" | "projectId" | "kind">,
    state: JobState,
    progress: number,
    stage: string,
    error?: string,
  ): void {
    this.#store
      .publishEvent({
        type: "job",
        projectId: job.projectId,
        jobId: job.id,
        kind: job.kind,
        state,
        progress,
        stage,
        // A NOTIFY payload is limited: a long error is cut, the job's row keeps it whole.
        ...(error === undefined ? {} : { error: error.slice(0, 2000) }),
      })
      .catch(() => {});
  }

  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), and disconnects. */
  async stop(timeoutMs = 30_000): Promise<void> {
    await this.#boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
