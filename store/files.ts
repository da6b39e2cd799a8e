import { and, asc, eq } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import type { BlobContent, BlobStore, StoredBlob } from "./blob-store.ts";
import { FOREIGN_KEY_VIOLATION, type StoreDatabase, sqlState } from "./database.ts";
import { checkId } from "./ids.ts";
import { blobs, projectFiles } from "./schema.ts";

/**
 * A project's files: names pointing at blobs. The blob's bytes go to the blob store first
 * and its row is written after, so a crash between the two leaves an unreferenced file at
 * worst, never a row without its bytes.
 */

export interface ProjectFile {
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
  updatedAt: Date;
}

export interface PutFileOptions {
  mediaType: string;
  expectedSha256?: string;
  addedBy?: string;
  /** The audit entry for the upload, written in the transaction that names the file. */
  audit?: (blob: StoredBlob) => AuditRecord;
}

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

/** Stores a file's bytes and points the project's `name` at them (replacing what it held). */
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
      await recordBlob(tx, blob, options.mediaType);
      await tx
        .insert(projectFiles)
        .values({ projectId, name, sha256: blob.sha256, addedBy })
        .onConflictDoUpdate({
          target: [projectFiles.projectId, projectFiles.name],
          set: { sha256: blob.sha256, addedBy, updatedAt: new Date() },
        });
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

export async function listProjectFiles(
  db: StoreDatabase,
  projectId: string,
): Promise<ProjectFile[]> {
  checkId(projectId, "projectId");
  return db
    .select({
      name: projectFiles.name,
      sha256: projectFiles.sha256,
      size: blobs.size,
      mediaType: blobs.mediaType,
      updatedAt: projectFiles.updatedAt,
    })
    .from(projectFiles)
    .innerJoin(blobs, eq(blobs.sha256, projectFiles.sha256))
    .where(eq(projectFiles.projectId, projectId))
    .orderBy(asc(projectFiles.name));
}

export async function findProjectFile(
  db: StoreDatabase,
  projectId: string,
  name: string,
): Promise<ProjectFile | undefined> {
  checkId(projectId, "projectId");
  const [row] = await db
    .select({
      name: projectFiles.name,
      sha256: projectFiles.sha256,
      size: blobs.size,
      mediaType: blobs.mediaType,
      updatedAt: projectFiles.updatedAt,
    })
    .from(projectFiles)
    .innerJoin(blobs, eq(blobs.sha256, projectFiles.sha256))
    .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.name, name)));
  return row;
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
