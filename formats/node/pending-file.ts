import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ControlRoomError } from "../../music/errors.ts";

/** A sibling of `path` that no other writer will pick: `.<name>.<pid>.<random>.tmp`. */
export function temporaryPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
}

/** Writes a whole file atomically: a reader sees the old content or the new, never half. */
export function writeFileAtomic(path: string, data: Uint8Array): void {
  const file = PendingFile.create(path);
  try {
    file.append(data);
  } catch (error) {
    file.abort();
    throw error;
  }
  file.commit();
}

/**
 * A file being written under a temporary name (`.<name>.<pid>.<random>.tmp`) in the folder of
 * its destination, so that `commit()` can publish it with one atomic rename (POSIX rename(2)
 * replaces the destination in one step on the same file system) and `abort()` leaves the
 * destination as it was.
 */
export class PendingFile {
  readonly path: string;
  readonly tempPath: string;
  readonly fileName: string;
  #fd: number | null;
  #length = 0;
  #state: "open" | "committed" | "aborted" = "open";

  private constructor(path: string, tempPath: string, fd: number) {
    this.path = path;
    this.tempPath = tempPath;
    this.fileName = basename(path);
    this.#fd = fd;
  }

  static create(path: string): PendingFile {
    const fileName = basename(path);
    const tempPath = temporaryPath(path);
    try {
      return new PendingFile(path, tempPath, openSync(tempPath, "wx"));
    } catch (error) {
      throw fileError(error, "E_FILE_WRITE", fileName, "cannot be created");
    }
  }

  /** Bytes appended so far. */
  get length(): number {
    return this.#length;
  }

  get isOpen(): boolean {
    return this.#state === "open";
  }

  assertOpen(): void {
    if (this.#state !== "open") {
      throw new ControlRoomError(
        "E_WRITER_CLOSED",
        `${this.fileName} was already ${this.#state}; open a new writer to write it again`,
        this.fileName,
      );
    }
  }

  append(bytes: Uint8Array): void {
    this.writeAt(bytes, this.#length);
    this.#length += bytes.length;
  }

  writeAt(bytes: Uint8Array, position: number): void {
    this.assertOpen();
    try {
      for (let done = 0; done < bytes.length; ) {
        done += writeSync(this.#fd!, bytes, done, bytes.length - done, position + done);
      }
    } catch (error) {
      throw fileError(error, "E_FILE_WRITE", this.fileName, "cannot be written");
    }
  }

  /** Flushes to disk before the rename, so the name never points at a file still in cache. */
  commit(): void {
    this.assertOpen();
    try {
      fsyncSync(this.#fd!);
      closeSync(this.#fd!);
      this.#fd = null;
      renameSync(this.tempPath, this.path);
    } catch (error) {
      this.abort();
      throw fileError(error, "E_FILE_WRITE", this.fileName, "cannot be saved");
    }
    this.#state = "committed";
  }

  /** Removes the temporary file; does nothing once committed or aborted. */
  abort(): void {
    if (this.#state !== "open") return;
    this.#state = "aborted";
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    try {
      unlinkSync(this.tempPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

const ERRNO_REASONS: Record<string, string> = {
  ENOENT: "the file or its folder does not exist",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a folder",
  ENOSPC: "the disk is full",
  EROFS: "the disk is read-only",
};

/** Wraps a Node file-system error in a sentence that names the file and says why. */
export function fileError(
  error: unknown,
  code: string,
  fileName: string,
  what: string,
): ControlRoomError {
  const errno = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "E_FILE_READ" && errno === "ENOENT") {
    return new ControlRoomError("E_FILE_NOT_FOUND", `${fileName} does not exist`, fileName);
  }
  const reason = ERRNO_REASONS[errno] ?? (error as Error).message;
  return new ControlRoomError(code, `${fileName} ${what}: ${reason}`, fileName);
}
