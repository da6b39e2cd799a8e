import { and, asc, eq } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
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
}

/** `audio/vocals.wav`: relative, slash-separated, no `..`, no control characters. */
export function checkFileName(name: string): string {
  const parts = name.split("/");
  const bad =
    name.length === 0 ||
    name.length > 512 ||
    name.includes("\\") ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    /[\u0000-\u001f\u007f]/.test(name) ||
    parts.some((part) => part === "" || part === "." || part === "..");
  if (bad) {
    throw new ControlRoomError(
      "E_STORE_FILE_NAME",
      `"${name}" is not a file name in a project (relative, like audio/vocals.wav)`,
      "name",
    );
  }
  return name;
}

/** Stores bytes in the blob store, then records the blob. */
export async function putBlob(
  db: StoreDatabase,
  store: BlobStore,
  content: BlobContent,
  options: { mediaType: string; expectedSha256?: string },
): Promise<StoredBlob> {
  const blob = await store.put(content, { expectedSha256: options.expectedSha256 });
  await db
    .insert(blobs)
    .values({ sha256: blob.sha256, size: blob.size, mediaType: options.mediaType })
    .onConflictDoNothing();
  return blob;
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
  const blob = await putBlob(db, store, content, options);
  try {
    await db
      .insert(projectFiles)
      .values({ projectId, name, sha256: blob.sha256, addedBy })
      .onConflictDoUpdate({
        target: [projectFiles.projectId, projectFiles.name],
        set: { sha256: blob.sha256, addedBy, updatedAt: new Date() },
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
