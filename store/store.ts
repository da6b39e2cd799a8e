import {
  type AccessTokenRecord,
  findLiveAccessToken,
  insertAccessToken,
  listAccessTokens,
  type NewAccessTokenRow,
  revokeAccessToken,
  sweepAccessTokens,
} from "./access-tokens.ts";
import {
  type Account,
  createAccount,
  disableAccount,
  enableAccount,
  findAccount,
  findAccountByEmail,
  isStudioOwner,
  listAccounts,
  type NewAccount,
  setPasswordHash,
} from "./accounts.ts";
import {
  type AuditQuery,
  type AuditRecord,
  listAudit,
  recordAudit,
  type StoredAuditEntry,
} from "./audit.ts";
import type { BlobContent, BlobStore, StoredBlob } from "./blob-store.ts";
import type { StoreConnection, StoreDatabase, StoreDriver } from "./database.ts";
import {
  type AccessEvent,
  decodeEvent,
  EVENTS_CHANNEL,
  encodeEvent,
  type ProjectEvent,
  type StudioEvent,
} from "./events.ts";
import {
  type BlobCheck,
  checkBlobs,
  deleteProjectFile,
  findProjectFile,
  listProjectFiles,
  type ProjectFile,
  type PutFileOptions,
  projectStorageUsed,
  putBlob,
  putProjectFile,
} from "./files.ts";
import {
  acceptInvitation,
  createInvitation,
  findInvitationDetails,
  type Invitation,
  type InvitationDetails,
  listPendingInvitations,
  type NewInvitation,
  revokeInvitation,
  signUpWithInvitation,
  sweepInvitations,
} from "./invitations.ts";
import {
  abandonJob,
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
  type AccountProject,
  changeMemberRole,
  listAccountProjects,
  listMembers,
  type Member,
  memberRole,
  removeMember,
  setMemberRole,
} from "./members.ts";
import {
  insertPasswordReset,
  type PasswordResetRow,
  sweepPasswordResets,
  usePasswordReset,
} from "./password-resets.ts";
import { ProductionOffice } from "./production/office.ts";
import {
  createProject,
  createProjectWithFiles,
  findProject,
  type ListedProject,
  listMemberProjects,
  type NewProject,
  type NewProjectFile,
  type ProjectRecord,
  setProjectArchived,
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
import { type SessionRow, sweepSessions } from "./sessions.ts";
import {
  forgetBucket,
  type StoredBucket,
  sweepBuckets,
  takeFromBuckets,
} from "./sign-in-buckets.ts";
import { studioSecret } from "./studio-secrets.ts";

/**
 * Control Room's storage: accounts, projects with their members, invitations and revision
 * history, files, and the audit log, over PGlite or a PostgreSQL server and a blob store.
 * Opened by `openStore` (store/node/).
 */
export class Store {
  readonly kind: StoreDriver["kind"];
  /** The typed query layer, for queries the methods below do not cover. */
  readonly db: StoreDatabase;
  readonly blobs: BlobStore;
  /** Team, studios and rooms, bookings, budget, decisions and tasks (store/production/). */
  readonly production: ProductionOffice;
  readonly #driver: StoreDriver;

  constructor(driver: StoreDriver, blobs: BlobStore) {
    this.kind = driver.kind;
    this.db = driver.db;
    this.blobs = blobs;
    this.production = new ProductionOffice(driver.db);
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

  isStudioOwner(accountId: string): Promise<boolean> {
    return isStudioOwner(this.db, accountId);
  }

  /** Every account, for the owner; no password hashes. */
  listAccounts(): Promise<Omit<Account, "passwordHash">[]> {
    return listAccounts(this.db);
  }

  /** A new password hash; optionally ends the account's sessions (but `except`). */
  setPasswordHash(...args: DropFirst<Parameters<typeof setPasswordHash>>): Promise<string[]> {
    return setPasswordHash(this.db, ...args);
  }

  /** Disables an account and ends its sessions and tokens; returns the sessions ended. */
  disableAccount(accountId: string, now: Date, audit?: AuditRecord): Promise<string[]> {
    return disableAccount(this.db, accountId, now, audit);
  }

  enableAccount(accountId: string, audit?: AuditRecord): Promise<void> {
    return enableAccount(this.db, accountId, audit);
  }

  createAccessToken(
    token: NewAccessTokenRow,
    audit?: (record: AccessTokenRecord) => AuditRecord,
  ): Promise<AccessTokenRecord> {
    return insertAccessToken(this.db, token, audit);
  }

  listAccessTokens(accountId: string): Promise<AccessTokenRecord[]> {
    return listAccessTokens(this.db, accountId);
  }

  revokeAccessToken(
    accountId: string,
    tokenId: string,
    audit?: (record: AccessTokenRecord) => AuditRecord,
  ): Promise<AccessTokenRecord> {
    return revokeAccessToken(this.db, accountId, tokenId, audit);
  }

  findLiveAccessToken(
    ...args: DropFirst<Parameters<typeof findLiveAccessToken>>
  ): ReturnType<typeof findLiveAccessToken> {
    return findLiveAccessToken(this.db, ...args);
  }

  createPasswordReset(reset: PasswordResetRow, audit?: AuditRecord): Promise<void> {
    return insertPasswordReset(this.db, reset, audit);
  }

  /** Sets the password through a reset link, closes it and ends the account's sessions. */
  usePasswordReset(
    ...args: DropFirst<Parameters<typeof usePasswordReset>>
  ): ReturnType<typeof usePasswordReset> {
    return usePasswordReset(this.db, ...args);
  }

  /** The studio's secret `name`, made by `make` the first time any process asks. */
  studioSecret(name: string, make: () => string): Promise<string> {
    return studioSecret(this.db, name, make);
  }

  /** Runs the sign-in limiter's decision on its buckets, locked (sign-in-buckets.ts). */
  takeFromBuckets<T>(
    keys: readonly string[],
    decide: (buckets: Map<string, StoredBucket>) => { result: T; keep: Map<string, StoredBucket> },
  ): Promise<T> {
    return takeFromBuckets(this.db, keys, decide);
  }

  forgetBucket(key: string): Promise<void> {
    return forgetBucket(this.db, key);
  }

  /**
   * Removes what has expired: sessions, access tokens and reset links past their expiry,
   * invitations expired a month ago (until then the link still says "expired"), and sign-in
   * buckets untouched for an hour (full again long since).
   */
  async sweepExpired(now: Date): Promise<Record<string, number>> {
    const hour = 3600 * 1000;
    return {
      sessions: await sweepSessions(this.db, now),
      accessTokens: await sweepAccessTokens(this.db, now),
      passwordResets: await sweepPasswordResets(this.db, now),
      invitations: await sweepInvitations(this.db, new Date(now.getTime() - 30 * 24 * hour)),
      signInBuckets: await sweepBuckets(this.db, new Date(now.getTime() - hour)),
    };
  }

  createProject(project: NewProject): Promise<ProjectRecord> {
    return createProject(this.db, project);
  }

  findProject(projectId: string): Promise<ProjectRecord | undefined> {
    return findProject(this.db, projectId);
  }

  /** A project with its first files (an import), all in one transaction or not at all. */
  createProjectWithFiles(
    project: NewProject,
    files: readonly NewProjectFile[],
    audit?: (project: ProjectRecord) => AuditRecord,
  ): Promise<ProjectRecord> {
    return createProjectWithFiles(this.db, project, files, audit);
  }

  /** The projects an account is on, active or archived, with its role on each. */
  listMemberProjects(accountId: string, which: "active" | "archived"): Promise<ListedProject[]> {
    return listMemberProjects(this.db, accountId, which);
  }

  /** Archives a project at `now`, or unarchives it (`null`). */
  setProjectArchived(
    projectId: string,
    now: Date | null,
    audit?: (project: ProjectRecord) => AuditRecord,
  ): Promise<ProjectRecord> {
    return setProjectArchived(this.db, projectId, now, audit);
  }

  /** The projects an account is on, with its role on each. */
  listAccountProjects(accountId: string): Promise<AccountProject[]> {
    return listAccountProjects(this.db, accountId);
  }

  /** Adds a member or changes a role; never leaves a project without a producer. */
  setMemberRole(
    projectId: string,
    accountId: string,
    role: Role,
    audit?: AuditRecord,
  ): Promise<void> {
    return setMemberRole(this.db, projectId, accountId, role, audit);
  }

  memberRole(projectId: string, accountId: string): Promise<Role | undefined> {
    return memberRole(this.db, projectId, accountId);
  }

  listMembers(projectId: string): Promise<Member[]> {
    return listMembers(this.db, projectId);
  }

  /** A member's new role; returns the old. E_STORE_LAST_PRODUCER for the last producer. */
  changeMemberRole(
    projectId: string,
    accountId: string,
    role: Role,
    audit?: (previous: Role) => AuditRecord,
  ): Promise<Role> {
    return changeMemberRole(this.db, projectId, accountId, role, audit);
  }

  /** Takes a member off the project; returns their role. Never the last producer. */
  removeMember(
    projectId: string,
    accountId: string,
    audit?: (previous: Role) => AuditRecord,
  ): Promise<Role> {
    return removeMember(this.db, projectId, accountId, audit);
  }

  createInvitation(
    invitation: NewInvitation,
    audit?: (id: string) => AuditRecord,
  ): Promise<string> {
    return createInvitation(this.db, invitation, audit);
  }

  /** `decide` throws for an invitation that may not be accepted (undefined: unknown token). */
  acceptInvitation(
    tokenHash: string,
    accountId: string,
    now: Date,
    decide: (invitation: Invitation | undefined) => void,
    audit?: (invitation: Invitation) => AuditRecord,
  ): Promise<Invitation> {
    return acceptInvitation(this.db, tokenHash, accountId, now, decide, audit);
  }

  /** An entry on its own, for what has no transaction of its own (a sign-in). */
  recordAudit(entry: AuditRecord): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** Creates an account through an invitation, joins it to the project and starts a session. */
  signUpWithInvitation(
    tokenHash: string,
    now: Date,
    decide: (invitation: Invitation | undefined) => void,
    account: (invitation: Invitation) => NewAccount,
    session: (account: Account) => SessionRow,
    audit?: (invitation: Invitation, account: Account) => AuditRecord[],
  ): Promise<{ invitation: Invitation; account: Account }> {
    return signUpWithInvitation(this.db, tokenHash, now, decide, account, session, audit);
  }

  /** The invitation with this token hash, its project's title and who invited. */
  findInvitationDetails(tokenHash: string): Promise<InvitationDetails | undefined> {
    return findInvitationDetails(this.db, tokenHash);
  }

  listPendingInvitations(projectId: string, now: Date): Promise<Invitation[]> {
    return listPendingInvitations(this.db, projectId, now);
  }

  revokeInvitation(
    projectId: string,
    invitationId: string,
    now: Date,
    audit?: (invitation: Invitation) => AuditRecord,
  ): Promise<Invitation> {
    return revokeInvitation(this.db, projectId, invitationId, now, audit);
  }

  /** A project's audit log, newest first. */
  listAudit(projectId: string, query: AuditQuery): Promise<StoredAuditEntry[]> {
    return listAudit(this.db, projectId, query);
  }

  /** The new revision's number, or E_STORE_CONFLICT (`RevisionConflictError`). */
  saveRevision(
    projectId: string,
    save: SaveRevision,
    audit?: (revision: number) => AuditRecord,
  ): Promise<number> {
    return saveRevision(this.db, projectId, save, audit);
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
    audit?: (revision: number) => AuditRecord,
  ): Promise<number> {
    return restoreRevision(this.db, projectId, number, author, baseRevision, audit);
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

  /** Removes a file nothing refers to; E_FILE_IN_USE / E_FILE_READ_ONLY otherwise. */
  deleteFile(
    projectId: string,
    name: string,
    audit?: (file: ProjectFile) => AuditRecord,
  ): Promise<ProjectFile> {
    return deleteProjectFile(this.db, projectId, name, audit);
  }

  /** Bytes of the distinct blobs the project's files name, what its quota counts. */
  storageUsed(projectId: string): Promise<number> {
    return projectStorageUsed(this.db, projectId);
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

  abandonJob(jobId: string, error: string): Promise<void> {
    return abandonJob(this.db, jobId, error);
  }

  jobState(jobId: string): Promise<JobState | undefined> {
    return jobState(this.db, jobId);
  }

  /** Tells everyone listening (every server process) about a change to a project. */
  publishEvent(event: StudioEvent): Promise<void> {
    return this.#driver.notify(EVENTS_CHANNEL, encodeEvent(event));
  }

  /** Hears every project event any process publishes; returns what stops it. */
  onEvents(handler: (event: ProjectEvent) => void): Promise<() => Promise<void>> {
    return this.#driver.listen(EVENTS_CHANNEL, (payload) => {
      const event = decodeEvent(payload);
      if (event && event.type !== "access") handler(event);
    });
  }

  /** Hears every ended access (a member removed, a session ended) any process publishes. */
  onAccessEvents(handler: (event: AccessEvent) => void): Promise<() => Promise<void>> {
    return this.#driver.listen(EVENTS_CHANNEL, (payload) => {
      const event = decodeEvent(payload);
      if (event?.type === "access") handler(event);
    });
  }

  /** The database connection itself, for the job queue (pg-boss), which brings its own SQL. */
  get connection(): StoreConnection {
    return this.#driver.connection;
  }

  /** Every blob row against the blob store: what a crash or a lost disk left missing. */
  checkBlobs(): Promise<BlobCheck> {
    return checkBlobs(this.db, this.blobs);
  }

  async close(): Promise<void> {
    await this.#driver.close();
    this.blobs.close?.();
  }
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
