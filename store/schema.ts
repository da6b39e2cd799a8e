import {
  bigint,
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { productionTables } from "./production/schema.ts";

/**
 * The tables as drizzle sees them, for typed queries. The SQL in `migrations/` is what
 * creates them and holds every constraint; `schema.test.ts` checks that the two agree.
 */

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const ROLES = ["producer", "engineer", "musician", "artist", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const accounts = pgTable("accounts", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  /** The studio's owner, who keeps the accounts (the first start makes them). */
  studioOwner: boolean("studio_owner").notNull().default(false),
  createdAt: createdAt(),
  /** Set when the owner disabled the account: it cannot sign in, and stays a member. */
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
});

export const sessions = pgTable("sessions", {
  tokenHash: text("token_hash").primaryKey(),
  accountId: uuid("account_id").notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

export const projects = pgTable("projects", {
  id: uuid("id").primaryKey().defaultRandom(),
  title: text("title").notNull(),
  ownerId: uuid("owner_id").notNull(),
  createdAt: createdAt(),
  currentRevision: integer("current_revision").notNull(),
  /** Set while the project is archived: readable, out of the default list, takes no saves. */
  archivedAt: timestamp("archived_at", { withTimezone: true }),
});

export const projectMembers = pgTable(
  "project_members",
  {
    projectId: uuid("project_id").notNull(),
    accountId: uuid("account_id").notNull(),
    role: text("role").$type<Role>().notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.accountId] })],
);

export const invitations = pgTable("invitations", {
  id: uuid("id").primaryKey().defaultRandom(),
  projectId: uuid("project_id").notNull(),
  email: text("email").notNull(),
  role: text("role").$type<Role>().notNull(),
  tokenHash: text("token_hash").notNull(),
  invitedBy: uuid("invited_by"),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  acceptedAt: timestamp("accepted_at", { withTimezone: true }),
  acceptedBy: uuid("accepted_by"),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

/** Personal access tokens (0003_people.sql): the hash of each, as for sessions. */
export const accessTokens = pgTable("access_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  accountId: uuid("account_id").notNull(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/** One-time password reset links, by the hash of their token. */
export const passwordResets = pgTable("password_resets", {
  tokenHash: text("token_hash").primaryKey(),
  accountId: uuid("account_id").notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

/** The studio's own secrets, made once (the CSRF key). */
export const studioSecrets = pgTable("studio_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: createdAt(),
});

/** The sign-in limiter's buckets, shared by every server process. */
export const signInBuckets = pgTable("sign_in_buckets", {
  key: text("key").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

export const revisions = pgTable(
  "revisions",
  {
    projectId: uuid("project_id").notNull(),
    number: integer("number").notNull(),
    parentNumber: integer("parent_number"),
    authorId: uuid("author_id").notNull(),
    createdAt: createdAt(),
    /** Stored as validated; read back through `parseProject` all the same. */
    document: jsonb("document").$type<unknown>().notNull(),
    operations: jsonb("operations").$type<unknown>().notNull(),
    restoredFrom: integer("restored_from"),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.number] })],
);

export const blobs = pgTable("blobs", {
  sha256: text("sha256").primaryKey(),
  size: bigint("size", { mode: "number" }).notNull(),
  mediaType: text("media_type").notNull(),
  createdAt: createdAt(),
});

/** What an audio blob holds, found when it was uploaded (0005_files.sql). */
export const blobAudio = pgTable("blob_audio", {
  sha256: text("sha256").primaryKey(),
  codec: text("codec").notNull(),
  sampleRate: integer("sample_rate").notNull(),
  channels: integer("channels").notNull(),
  frames: bigint("frames", { mode: "number" }).notNull(),
});

/** Every file name a revision refers to, with the first that did; filled by a trigger. */
export const fileReferences = pgTable(
  "file_references",
  {
    projectId: uuid("project_id").notNull(),
    name: text("name").notNull(),
    firstRevision: integer("first_revision").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.name] })],
);

export const projectFiles = pgTable(
  "project_files",
  {
    projectId: uuid("project_id").notNull(),
    name: text("name").notNull(),
    sha256: text("sha256").notNull(),
    addedBy: uuid("added_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.name] })],
);

export const auditLog = pgTable("audit_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  accountId: uuid("account_id"),
  projectId: uuid("project_id"),
  action: text("action").notNull(),
  detail: jsonb("detail").$type<Record<string, unknown>>().notNull(),
});

export const JOB_KINDS = ["render", "master", "analysis"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

export const jobs = pgTable("jobs", {
  id: uuid("id").primaryKey(),
  projectId: uuid("project_id").notNull(),
  kind: text("kind").$type<JobKind>().notNull(),
  request: jsonb("request").$type<Record<string, unknown>>().notNull(),
  requestedBy: uuid("requested_by"),
  createdAt: createdAt(),
  state: text("state").$type<JobState>().notNull().default("queued"),
  progress: real("progress").notNull().default(0),
  stage: text("stage").notNull().default(""),
  result: jsonb("result").$type<Record<string, unknown>>(),
  error: text("error"),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

export const jobRuns = pgTable(
  "job_runs",
  {
    jobId: uuid("job_id").notNull(),
    attempt: integer("attempt").notNull(),
    worker: text("worker").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    outcome: text("outcome").$type<"done" | "failed" | "cancelled">(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.attempt] })],
);

export const tables = {
  accounts,
  sessions,
  projects,
  projectMembers,
  invitations,
  accessTokens,
  passwordResets,
  studioSecrets,
  signInBuckets,
  revisions,
  blobs,
  blobAudio,
  fileReferences,
  projectFiles,
  auditLog,
  jobs,
  jobRuns,
  ...productionTables,
};
