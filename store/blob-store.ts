import { ControlRoomError } from "../music/errors.ts";

/**
 * Where audio and other files live, keyed by the SHA-256 of their bytes. A key names its
 * content, so a blob is never changed in place and the same bytes are kept once.
 */
export interface BlobStore {
  /**
   * Stores bytes and returns their key. With `expectedSha256` the bytes must hash to it
   * (E_BLOB_HASH_MISMATCH otherwise, and nothing is kept). A blob is visible to `has` and
   * `get` only once it is complete.
   */
  put(content: BlobContent, options?: PutBlobOptions): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  /** The blob's bytes as a stream; E_BLOB_MISSING if it is not there. */
  get(sha256: string): Promise<AsyncIterable<Uint8Array>>;
  /** Size in bytes, or undefined if the blob is not there. */
  size(sha256: string): Promise<number | undefined>;
  /** Lets go of connections, if the store holds any. */
  close?(): void;
}

export type BlobContent = Uint8Array | AsyncIterable<Uint8Array>;

export interface PutBlobOptions {
  expectedSha256?: string;
}

export interface StoredBlob {
  sha256: string;
  size: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** A blob key: 64 lower-case hex digits. Anything else never reaches a path or a query. */
export function checkSha256(value: string, field = "sha256"): string {
  if (!SHA256.test(value)) {
    throw new ControlRoomError(
      "E_BLOB_KEY",
      `${field} "${value}" is not a SHA-256 (64 lower-case hex digits)`,
      field,
    );
  }
  return value;
}

export function blobMissing(sha256: string): ControlRoomError {
  return new ControlRoomError("E_BLOB_MISSING", `there is no blob ${sha256}`, sha256);
}

/** The largest blob a store accepts unless told otherwise: 4 GiB. */
export const DEFAULT_MAX_BLOB_BYTES = 4 * 1024 ** 3;

export function blobTooLarge(maxBytes: number): ControlRoomError {
  return new ControlRoomError(
    "E_BLOB_TOO_LARGE",
    `the upload is larger than the limit of ${maxBytes} bytes`,
    "content",
  );
}

export function blobHashMismatch(sha256: string, expected: string): ControlRoomError {
  return new ControlRoomError(
    "E_BLOB_HASH_MISMATCH",
    `the upload's SHA-256 is ${sha256}, not the ${expected} it was sent as; it was not kept`,
    "expectedSha256",
  );
}

export async function readBlob(store: BlobStore, sha256: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of await store.get(sha256)) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
