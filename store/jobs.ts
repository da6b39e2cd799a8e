import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import type { StoreDatabase } from "./database.ts";
import { checkId } from "./ids.ts";
import { type JobKind, type JobState, jobRuns, jobs } from "./schema.ts";

/** A job as the studio shows it; the queue's own bookkeeping stays in pg-boss. */
export interface JobRecord {
  id: string;
  projectId: string;
  kind: JobKind;
  request: Record<string, unknown>;
  requestedBy: string | null;
  createdAt: Date;
  state: JobState;
  progress: number;
  stage: string;
  result: Record<string, unknown> | null;
  error: string | null;
  finishedAt: Date | null;
}

export interface JobRun {
  attempt: number;
  worker: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: "done" | "failed" | "cancelled" | null;
}

export interface NewJob {
  id: string;
  projectId: string;
  kind: JobKind;
  request: Record<string, unknown>;
  requestedBy: string;
}

const FINISHED: JobState[] = ["done", "failed", "cancelled"];

export async function createJob(db: StoreDatabase, job: NewJob): Promise<JobRecord> {
  const [row] = await db
    .insert(jobs)
    .values({
      id: checkId(job.id, "job"),
      projectId: checkId(job.projectId, "project"),
      kind: job.kind,
      request: job.request,
      requestedBy: checkId(job.requestedBy, "requestedBy"),
    })
    .returning();
  return row;
}

/** The job, if it belongs to the project: a job id from another project finds nothing. */
export async function findJob(
  db: StoreDatabase,
  projectId: string,
  jobId: string,
): Promise<JobRecord | undefined> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(
      and(eq(jobs.id, checkId(jobId, "job")), eq(jobs.projectId, checkId(projectId, "project"))),
    );
  return row;
}

export async function listJobs(db: StoreDatabase, projectId: string): Promise<JobRecord[]> {
  return db
    .select()
    .from(jobs)
    .where(eq(jobs.projectId, checkId(projectId, "project")))
    .orderBy(desc(jobs.createdAt));
}

export async function listJobRuns(db: StoreDatabase, jobId: string): Promise<JobRun[]> {
  return db
    .select({
      attempt: jobRuns.attempt,
      worker: jobRuns.worker,
      startedAt: jobRuns.startedAt,
      finishedAt: jobRuns.finishedAt,
      outcome: jobRuns.outcome,
    })
    .from(jobRuns)
    .where(eq(jobRuns.jobId, checkId(jobId, "job")))
    .orderBy(jobRuns.attempt);
}

/**
 * A worker takes the job up: one run row per attempt, and the job running again from
 * nothing. Returns false when the job was cancelled or finished meanwhile, and the worker
 * leaves it alone.
 */
export async function startJobRun(
  db: StoreDatabase,
  jobId: string,
  attempt: number,
  worker: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [job] = await tx
      .select({ state: jobs.state })
      .from(jobs)
      .where(eq(jobs.id, jobId))
      .for("update");
    if (!job || FINISHED.includes(job.state)) return false;
    await tx
      .insert(jobRuns)
      .values({ jobId, attempt, worker })
      .onConflictDoUpdate({
        target: [jobRuns.jobId, jobRuns.attempt],
        set: { worker, startedAt: sql`now()`, finishedAt: null, outcome: null },
      });
    await tx
      .update(jobs)
      .set({ state: "running", progress: 0, stage: "starting", error: null })
      .where(eq(jobs.id, jobId));
    return true;
  });
}

/** Progress from 0 to 1 with what the job is doing; ignored once the job has finished. */
export async function reportJobProgress(
  db: StoreDatabase,
  jobId: string,
  progress: number,
  stage: string,
): Promise<void> {
  await db
    .update(jobs)
    .set({ progress: Math.min(1, Math.max(0, progress)), stage })
    .where(and(eq(jobs.id, jobId), eq(jobs.state, "running")));
}

/**
 * The end of an attempt. `done` and `cancelled` end the job; `failed` ends it only when
 * `final` (the queue will not try again), otherwise it goes back to waiting for a worker.
 */
export async function finishJobRun(
  db: StoreDatabase,
  jobId: string,
  attempt: number,
  outcome:
    | { outcome: "done"; result: Record<string, unknown> }
    | { outcome: "failed"; error: string; final: boolean }
    | { outcome: "cancelled" },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(jobRuns)
      .set({ finishedAt: sql`now()`, outcome: outcome.outcome })
      .where(and(eq(jobRuns.jobId, jobId), eq(jobRuns.attempt, attempt), isNull(jobRuns.outcome)));
    const unfinished = and(eq(jobs.id, jobId), inArray(jobs.state, ["queued", "running"]));
    if (outcome.outcome === "done") {
      await tx
        .update(jobs)
        .set({
          state: "done",
          progress: 1,
          stage: "done",
          result: outcome.result,
          finishedAt: sql`now()`,
        })
        .where(unfinished);
    } else if (outcome.outcome === "failed") {
      await tx
        .update(jobs)
        .set(
          outcome.final
            ? { state: "failed", stage: "failed", error: outcome.error, finishedAt: sql`now()` }
            : { state: "queued", stage: "waiting to try again", error: outcome.error },
        )
        .where(unfinished);
    } else {
      await tx
        .update(jobs)
        .set({ state: "cancelled", stage: "cancelled", finishedAt: sql`now()` })
        .where(unfinished);
    }
  });
}

/**
 * Marks a queued or running job cancelled. Returns the job; E_JOB_FINISHED if it had
 * already finished (a finished job's result stays).
 */
export async function cancelJob(
  db: StoreDatabase,
  projectId: string,
  jobId: string,
): Promise<JobRecord> {
  const job = await findJob(db, projectId, jobId);
  if (!job) throw jobNotFound(jobId);
  const [row] = await db
    .update(jobs)
    .set({ state: "cancelled", stage: "cancelled", finishedAt: sql`now()` })
    .where(and(eq(jobs.id, job.id), inArray(jobs.state, ["queued", "running"])))
    .returning();
  if (!row) {
    throw new ControlRoomError(
      "E_JOB_FINISHED",
      `job ${jobId} has already finished (${job.state}); there is nothing to cancel`,
      "job",
    );
  }
  return row;
}

/**
 * Fails a job no worker can finish: the queue gave up on it after its workers stopped
 * answering on every attempt. A job that already finished is left as it is.
 */
export async function abandonJob(db: StoreDatabase, jobId: string, error: string): Promise<void> {
  await db
    .update(jobs)
    .set({ state: "failed", stage: "failed", error, finishedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), inArray(jobs.state, ["queued", "running"])));
}

/** Reads the job's state; what a running job checks to see whether it was cancelled. */
export async function jobState(db: StoreDatabase, jobId: string): Promise<JobState | undefined> {
  const [row] = await db.select({ state: jobs.state }).from(jobs).where(eq(jobs.id, jobId));
  return row?.state;
}

export function jobNotFound(jobId: string): ControlRoomError {
  return new ControlRoomError("E_NOT_FOUND", `there is no job ${jobId} in this project`, "job");
}
