import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  type BlobContent,
  type BlobStore,
  blobHashMismatch,
  blobMissing,
  blobTooLarge,
  checkSha256,
  DEFAULT_MAX_BLOB_BYTES,
  type PutBlobOptions,
  type StoredBlob,
} from "../blob-store.ts";

export interface FolderBlobStoreOptions {
  /** Largest blob accepted, in bytes (E_BLOB_TOO_LARGE past it). 4 GiB by default. */
  maxBytes?: number;
}

/**
 * Blobs as files: `<root>/<first two hex digits>/<sha256>`. Uploads are written to
 * `<root>/tmp/`, hashed as they are written, flushed, then renamed into place, so a blob
 * under its key is always complete; an upload that dies leaves only a temporary file.
 */
export class FolderBlobStore implements BlobStore {
  readonly root: string;
  readonly maxBytes: number;

  constructor(root: string, options: FolderBlobStoreOptions = {}) {
    this.root = path.resolve(root);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOB_BYTES;
  }

  pathOf(sha256: string): string {
    checkSha256(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(content: BlobContent, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const expected =
      options.expectedSha256 === undefined
        ? undefined
        : checkSha256(options.expectedSha256, "expectedSha256");
    const tmpDir = path.join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${process.pid}-${randomBytes(8).toString("hex")}.part`);
    const hash = createHash("sha256");
    let size = 0;
    const file = await open(tmp, "wx");
    try {
      try {
        for await (const chunk of content instanceof Uint8Array ? [content] : content) {
          size += chunk.byteLength;
          if (size > this.maxBytes) throw blobTooLarge(this.maxBytes);
          hash.update(chunk);
          await file.write(chunk);
        }
        await file.sync();
      } finally {
        await file.close();
      }
      const sha256 = hash.digest("hex");
      if (expected !== undefined && sha256 !== expected) throw blobHashMismatch(sha256, expected);
      const target = this.pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      // Same key, same bytes: a second copy replaces the first atomically and harmlessly.
      await rename(tmp, target);
      await syncDirectory(path.dirname(target));
      return { sha256, size };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async get(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    const file = this.pathOf(sha256);
    // Opened here, so a missing blob fails now rather than on the first read.
    const handle = await open(file, "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? blobMissing(sha256) : error;
    });
    return handle.createReadStream();
  }
}

/** Makes a rename durable against power loss (a process kill does not need it). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
