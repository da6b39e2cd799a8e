import {
  type Account,
  createAccount,
  findAccount,
  findAccountByEmail,
  type NewAccount,
} from "./accounts.ts";
import type { BlobContent, BlobStore, StoredBlob } from "./blob-store.ts";
import type { StoreConnection, StoreDatabase, StoreDriver } from "./database.ts";
import {
  type BlobCheck,
  checkBlobs,
  findProjectFile,
  listProjectFiles,
  type ProjectFile,
  type PutFileOptions,
  putBlob,
  putProjectFile,
} from "./files.ts";
import {
  cancelJob,
  createJob,
  findJob,
  finishJobRun,
  type JobRecord,
  type JobRun,
  jobState,
  listJobRuns,
  listJobs,
  type NewJob,
  reportJobProgress,
  startJobRun,
} from "./jobs.ts";
import {
  createProject,
  findProject,
  memberRole,
  type NewProject,
  type ProjectRecord,
  setMemberRole,
} from "./projects.ts";
import {
  listRevisions,
  loadRevision,
  type Revision,
  type RevisionSummary,
  restoreRevision,
  type SaveRevision,
  saveRevision,
} from "./revisions.ts";
import type { JobState, Role } from "./schema.ts";

/**
 * Control Room's storage: accounts, projects with their revision history, and files, over
 * PGlite or a PostgreSQL server and a blob store. Opened by `openStore` (store/node/).
 */
export class Store {
  readonly kind: StoreDriver["kind"];
  /** The typed query layer, for queries the methods below do not cover. */
  readonly db: StoreDatabase;
  readonly blobs: BlobStore;
  readonly #driver: StoreDriver;

  constructor(driver: StoreDriver, blobs: BlobStore) {
    this.kind = driver.kind;
    this.db = driver.db;
    this.blobs = blobs;
    this.#driver = driver;
  }

  createAccount(account: NewAccount): Promise<Account> {
    return createAccount(this.db, account);
  }

  findAccount(id: string): Promise<Account | undefined> {
    return findAccount(this.db, id);
  }

  findAccountByEmail(email: string): Promise<Account | undefined> {
    return findAccountByEmail(this.db, email);
  }

  createProject(project: NewProject): Promise<ProjectRecord> {
    return createProject(this.db, project);
  }

  findProject(projectId: string): Promise<ProjectRecord | undefined> {
    return findProject(this.db, projectId);
  }

  setMemberRole(projectId: string, accountId: string, role: Role): Promise<void> {
    return setMemberRole(this.db, projectId, accountId, role);
  }

  memberRole(projectId: string, accountId: string): Promise<Role | undefined> {
    return memberRole(this.db, projectId, accountId);
  }

  /** The new revision's number, or E_STORE_CONFLICT (`RevisionConflictError`). */
  saveRevision(projectId: string, save: SaveRevision): Promise<number> {
    return saveRevision(this.db, projectId, save);
  }

  loadRevision(projectId: string, number?: number): Promise<Revision> {
    return loadRevision(this.db, projectId, number);
  }

  listRevisions(
    projectId: string,
    order?: "oldest first" | "newest first",
  ): Promise<RevisionSummary[]> {
    return listRevisions(this.db, projectId, order);
  }

  restoreRevision(
    projectId: string,
    number: number,
    author: string,
    baseRevision: number,
  ): Promise<number> {
    return restoreRevision(this.db, projectId, number, author, baseRevision);
  }

  putBlob(
    content: BlobContent,
    options: { mediaType: string; expectedSha256?: string },
  ): Promise<StoredBlob> {
    return putBlob(this.db, this.blobs, content, options);
  }

  putFile(
    projectId: string,
    name: string,
    content: BlobContent,
    options: PutFileOptions,
  ): Promise<StoredBlob> {
    return putProjectFile(this.db, this.blobs, projectId, name, content, options);
  }

  listFiles(projectId: string): Promise<ProjectFile[]> {
    return listProjectFiles(this.db, projectId);
  }

  findFile(projectId: string, name: string): Promise<ProjectFile | undefined> {
    return findProjectFile(this.db, projectId, name);
  }

  createJob(job: NewJob): Promise<JobRecord> {
    return createJob(this.db, job);
  }

  findJob(projectId: string, jobId: string): Promise<JobRecord | undefined> {
    return findJob(this.db, projectId, jobId);
  }

  listJobs(projectId: string): Promise<JobRecord[]> {
    return listJobs(this.db, projectId);
  }

  listJobRuns(jobId: string): Promise<JobRun[]> {
    return listJobRuns(this.db, jobId);
  }

  startJobRun(jobId: string, attempt: number, worker: string): Promise<boolean> {
    return startJobRun(this.db, jobId, attempt, worker);
  }

  reportJobProgress(jobId: string, progress: number, stage: string): Promise<void> {
    return reportJobProgress(this.db, jobId, progress, stage);
  }

  finishJobRun(...args: DropFirst<Parameters<typeof finishJobRun>>): Promise<void> {
    return finishJobRun(this.db, ...args);
  }

  cancelJob(projectId: string, jobId: string): Promise<JobRecord> {
    return cancelJob(this.db, projectId, jobId);
  }

  jobState(jobId: string): Promise<JobState | undefined> {
    return jobState(this.db, jobId);
  }

  /** The database connection itself, for the job queue (pg-boss), which brings its own SQL. */
  get connection(): StoreConnection {
    return this.#driver.connection;
  }

  /** Every blob row against the blob store: what a crash or a lost disk left missing. */
  checkBlobs(): Promise<BlobCheck> {
    return checkBlobs(this.db, this.blobs);
  }

  close(): Promise<void> {
    return this.#driver.close();
  }
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
