import { and, asc, eq, sql } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import type { BlobContent, BlobStore, StoredBlob } from "./blob-store.ts";
import { FOREIGN_KEY_VIOLATION, type StoreDatabase, sqlState } from "./database.ts";
import { checkId } from "./ids.ts";
import { blobAudio, blobs, fileReferences, jobs, projectFiles, projects } from "./schema.ts";

/**
 * A project's files: names pointing at blobs. The blob's bytes go to the blob store first
 * and its row is written after, so a crash between the two leaves an unreferenced file at
 * worst, never a row without its bytes.
 *
 * Files are facts: a name, once given, always holds the same bytes. Putting other bytes
 * under it is E_FILE_EXISTS (the same bytes again change nothing), and a name a revision
 * refers to (`file_references`, filled by a trigger on every new revision) or a job asked
 * for is never deleted, so every revision renders the same forever.
 */

/** What an audio file holds, as found when it was uploaded. */
export interface StoredAudio {
  codec: string;
  sampleRate: number;
  channels: number;
  frames: number;
  durationSeconds: number;
}

export interface ProjectFile {
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
  updatedAt: Date;
  /** What the file holds as audio; null when it is not audio, or was stored before this was kept. */
  audio: StoredAudio | null;
}

export interface PutFileOptions {
  mediaType: string;
  expectedSha256?: string;
  addedBy?: string;
  /** What the file holds as audio, kept with its blob for saves to be checked against. */
  audio?: StoredAudio;
  /** Refuse (E_QUOTA_EXCEEDED) when the project's distinct blobs would pass this many bytes. */
  quotaBytes?: number;
  /** The audit entry for the upload, written in the transaction that names the file. */
  audit?: (blob: StoredBlob) => AuditRecord;
}

/** The studio's default storage per project: 10 GiB of distinct blobs. */
export const DEFAULT_PROJECT_QUOTA_BYTES = 10 * 1024 ** 3;

/** Longest name, and longest part between slashes (what file systems allow). */
export const MAX_FILE_NAME_LENGTH = 512;
const MAX_NAME_PART_LENGTH = 255;

/**
 * `audio/vocals.wav`: relative, slash-separated, each part a plain name. Names become paths
 * when a project is written to a folder, so anything that could leave it, or that no file
 * system would take, is refused here, for every way a name arrives (HTTP, CLI, import).
 */
export function checkFileName(name: string, field = "name"): string {
  const why = fileNameProblem(name);
  if (why !== undefined) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new ControlRoomError(
      "E_STORE_FILE_NAME",
      `${field} ${JSON.stringify(shown)} ${why}; a file in a project has a relative name like audio/vocals.wav`,
      field,
    );
  }
  return name;
}

function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > MAX_FILE_NAME_LENGTH) {
    return `is ${name.length} characters long, more than ${MAX_FILE_NAME_LENGTH}`;
  }
  if (name.includes("\\")) return "contains a backslash";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains a control character";
  if (name.startsWith("/")) return "is an absolute path";
  if (/^[a-zA-Z]:/.test(name)) return "names a drive";
  const parts = name.split("/");
  if (parts.some((part) => part === "." || part === "..")) return "climbs with . or ..";
  if (parts.includes("")) return "has an empty part between slashes";
  if (parts.some((part) => part.length > MAX_NAME_PART_LENGTH)) {
    return `has a part longer than ${MAX_NAME_PART_LENGTH} characters`;
  }
  return undefined;
}

/** Stores bytes in the blob store, then records the blob. */
export async function putBlob(
  db: StoreDatabase,
  store: BlobStore,
  content: BlobContent,
  options: { mediaType: string; expectedSha256?: string },
): Promise<StoredBlob> {
  const blob = await store.put(content, { expectedSha256: options.expectedSha256 });
  await recordBlob(db, blob, options.mediaType);
  return blob;
}

async function recordBlob(db: StoreDatabase, blob: StoredBlob, mediaType: string): Promise<void> {
  await db
    .insert(blobs)
    .values({ sha256: blob.sha256, size: blob.size, mediaType })
    .onConflictDoNothing();
}

type Transaction = Parameters<Parameters<StoreDatabase["transaction"]>[0]>[0];

/**
 * Stores a file's bytes and gives them the project's `name`. A name already holding other
 * bytes is E_FILE_EXISTS (two uploads racing for one name: the key lets one win); the same
 * bytes again are a no-op that answers as the first did.
 */
export async function putProjectFile(
  db: StoreDatabase,
  store: BlobStore,
  projectId: string,
  name: string,
  content: BlobContent,
  options: PutFileOptions,
): Promise<StoredBlob> {
  checkId(projectId, "projectId");
  checkFileName(name);
  const addedBy = options.addedBy === undefined ? null : checkId(options.addedBy, "addedBy");
  // The bytes first: the rows below are written only once the blob is complete under its key.
  const blob = await store.put(content, { expectedSha256: options.expectedSha256 });
  try {
    await db.transaction(async (tx) => {
      if (options.quotaBytes !== undefined) {
        // The project's row lock makes uploads to one project take turns with the quota.
        await lockProject(tx, projectId);
        await checkQuota(tx, projectId, name, blob, options.quotaBytes);
      }
      await recordBlob(tx, blob, options.mediaType);
      if (options.audio) {
        const { codec, sampleRate, channels, frames } = options.audio;
        await tx
          .insert(blobAudio)
          .values({ sha256: blob.sha256, codec, sampleRate, channels, frames })
          .onConflictDoNothing();
      }
      const named = await tx
        .insert(projectFiles)
        .values({ projectId, name, sha256: blob.sha256, addedBy })
        .onConflictDoNothing()
        .returning({ sha256: projectFiles.sha256 });
      if (named.length === 0) {
        const [held] = await tx
          .select({ sha256: projectFiles.sha256 })
          .from(projectFiles)
          .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.name, name)));
        if (held?.sha256 !== blob.sha256) throw fileExists(name);
        return;
      }
      if (options.audit) await recordAudit(tx, options.audit(blob));
    });
  } catch (error) {
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      throw new ControlRoomError(
        "E_STORE_PROJECT_MISSING",
        `there is no project ${projectId} (or no account ${addedBy}) to add ${name} to`,
        "projectId",
      );
    }
    throw error;
  }
  return blob;
}

export function fileExists(name: string): ControlRoomError {
  return new ControlRoomError(
    "E_FILE_EXISTS",
    `${name} already holds other bytes, and a file never changes once named (a revision may play it); upload under a new name`,
    name,
  );
}

async function lockProject(tx: Transaction, projectId: string): Promise<void> {
  const [project] = await tx
    .select({ id: projects.id })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for("update");
  if (!project) {
    throw new ControlRoomError(
      "E_STORE_PROJECT_MISSING",
      `there is no project ${projectId}`,
      "projectId",
    );
  }
}

/** Bytes a project holds: the distinct blobs its file names point at, each counted once. */
export async function projectStorageUsed(db: StoreDatabase, projectId: string): Promise<number> {
  checkId(projectId, "projectId");
  const [row] = await db
    .select({ used: sql<string>`coalesce(sum(${blobs.size}), 0)` })
    .from(blobs)
    .where(
      sql`${blobs.sha256} IN (SELECT ${projectFiles.sha256} FROM ${projectFiles} WHERE ${projectFiles.projectId} = ${projectId})`,
    );
  return Number(row?.used ?? 0);
}

/** Whether the project already names these bytes (they then cost it nothing more). */
async function projectHoldsBlob(
  db: StoreDatabase,
  projectId: string,
  sha256: string,
): Promise<boolean> {
  const [row] = await db
    .select({ name: projectFiles.name })
    .from(projectFiles)
    .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.sha256, sha256)))
    .limit(1);
  return row !== undefined;
}

/**
 * E_QUOTA_EXCEEDED when naming `blob` would take the project past `quotaBytes`. Bytes the
 * project already holds under another name cost nothing.
 */
export async function checkQuota(
  db: StoreDatabase,
  projectId: string,
  name: string,
  blob: StoredBlob,
  quotaBytes: number,
): Promise<void> {
  if (await projectHoldsBlob(db, projectId, blob.sha256)) return;
  const used = await projectStorageUsed(db, projectId);
  if (used + blob.size <= quotaBytes) return;
  throw new ControlRoomError(
    "E_QUOTA_EXCEEDED",
    `${name} needs ${bytes(blob.size)}, but the project uses ${bytes(used)} of its ${bytes(quotaBytes)} quota (${bytes(Math.max(0, quotaBytes - used))} free); nothing was kept`,
    name,
  );
}

/** "1 536 bytes (1.5 KiB)": exact, and readable. */
function bytes(n: number): string {
  const exact = `${n.toLocaleString("en-US").replaceAll(",", " ")} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = "";
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit ? `${exact} (${value.toFixed(1)} ${unit})` : exact;
}

/** Where a job's results are named: `jobs/<id>/…`, written by jobs only, never by hand. */
export function isJobResultName(name: string): boolean {
  return name.startsWith("jobs/");
}

/**
 * Removes a file name nothing refers to. A name a revision plays (its first such revision
 * is named), a job's input, or a job's result stays: E_FILE_IN_USE / E_FILE_READ_ONLY. The
 * blob's bytes stay too: other names and projects may hold the same bytes.
 */
export async function deleteProjectFile(
  db: StoreDatabase,
  projectId: string,
  name: string,
  audit?: (file: ProjectFile) => AuditRecord,
): Promise<ProjectFile> {
  checkId(projectId, "projectId");
  checkFileName(name);
  return db.transaction(async (tx) => {
    // Saves lock the same row: a save naming this file waits, then sees it gone, or wins
    // and leaves its reference for the check below.
    await lockProject(tx, projectId);
    const file = await findProjectFile(tx, projectId, name);
    if (!file) {
      throw new ControlRoomError(
        "E_FILE_NOT_FOUND",
        `there is no file ${name} in this project`,
        name,
      );
    }
    if (isJobResultName(name)) {
      throw new ControlRoomError(
        "E_FILE_READ_ONLY",
        `${name} is a job's result, which stays as the job made it`,
        name,
      );
    }
    const [reference] = await tx
      .select({ revision: fileReferences.firstRevision })
      .from(fileReferences)
      .where(and(eq(fileReferences.projectId, projectId), eq(fileReferences.name, name)));
    if (reference) {
      throw new ControlRoomError(
        "E_FILE_IN_USE",
        `${name} is played by revision ${reference.revision}, and every revision must render as it did; it cannot be deleted`,
        name,
      );
    }
    const [job] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.projectId, projectId), sql`${jobs.request} ->> 'file' = ${name}`))
      .limit(1);
    if (job) {
      throw new ControlRoomError(
        "E_FILE_IN_USE",
        `${name} is the input of job ${job.id}, whose result must stay explained; it cannot be deleted`,
        name,
      );
    }
    await tx
      .delete(projectFiles)
      .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.name, name)));
    if (audit) await recordAudit(tx, audit(file));
    return file;
  });
}

const fileColumns = {
  name: projectFiles.name,
  sha256: projectFiles.sha256,
  size: blobs.size,
  mediaType: blobs.mediaType,
  updatedAt: projectFiles.updatedAt,
  codec: blobAudio.codec,
  sampleRate: blobAudio.sampleRate,
  channels: blobAudio.channels,
  frames: blobAudio.frames,
};

function fileOf(row: {
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
  updatedAt: Date;
  codec: string | null;
  sampleRate: number | null;
  channels: number | null;
  frames: number | null;
}): ProjectFile {
  const { codec, sampleRate, channels, frames, ...file } = row;
  const audio =
    codec === null || sampleRate === null || channels === null || frames === null
      ? null
      : { codec, sampleRate, channels, frames, durationSeconds: frames / sampleRate };
  return { ...file, audio };
}

export async function listProjectFiles(
  db: StoreDatabase,
  projectId: string,
): Promise<ProjectFile[]> {
  checkId(projectId, "projectId");
  const rows = await db
    .select(fileColumns)
    .from(projectFiles)
    .innerJoin(blobs, eq(blobs.sha256, projectFiles.sha256))
    .leftJoin(blobAudio, eq(blobAudio.sha256, projectFiles.sha256))
    .where(eq(projectFiles.projectId, projectId))
    .orderBy(asc(projectFiles.name));
  return rows.map(fileOf);
}

export async function findProjectFile(
  db: StoreDatabase,
  projectId: string,
  name: string,
): Promise<ProjectFile | undefined> {
  checkId(projectId, "projectId");
  const [row] = await db
    .select(fileColumns)
    .from(projectFiles)
    .innerJoin(blobs, eq(blobs.sha256, projectFiles.sha256))
    .leftJoin(blobAudio, eq(blobAudio.sha256, projectFiles.sha256))
    .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.name, name)));
  return row && fileOf(row);
}

export interface BlobCheck {
  /** Blobs with a row in the database. */
  recorded: number;
  /** Rows whose bytes are not in the blob store, or not as many bytes as recorded. */
  missing: string[];
}

/** Checks that every recorded blob is in the blob store with its recorded size. */
export async function checkBlobs(db: StoreDatabase, store: BlobStore): Promise<BlobCheck> {
  const rows = await db.select({ sha256: blobs.sha256, size: blobs.size }).from(blobs);
  const missing: string[] = [];
  for (const row of rows) {
    if ((await store.size(row.sha256)) !== row.size) missing.push(row.sha256);
  }
  return { recorded: rows.length, missing };
}
