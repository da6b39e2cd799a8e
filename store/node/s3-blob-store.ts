import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { ControlRoomError } from "../../music/errors.ts";
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

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3BlobStoreOptions {
  bucket: string;
  credentials: S3Credentials;
  /**
   * An S3-compatible server (MinIO, Ceph, Garage…), addressed path-style
   * (`<endpoint>/<bucket>/<key>`); AWS itself when absent.
   */
  endpoint?: string;
  /** `us-east-1` by default; most S3-compatible servers accept any. */
  region?: string;
  /** Put before every key, e.g. `controlroom/`; a missing trailing slash is added. */
  prefix?: string;
  /** Largest blob accepted, in bytes (E_BLOB_TOO_LARGE past it). 4 GiB by default, 5 GiB at most. */
  maxBytes?: number;
  /** Bytes per uploaded part of a large blob: 8 MiB by default, at least S3's 5 MiB. */
  partBytes?: number;
}

const MiB = 1024 ** 2;
const MIN_PART_BYTES = 5 * MiB;
const DEFAULT_PART_BYTES = 8 * MiB;
/** The largest object one CopyObject copies; bigger ones would need a multipart copy. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;
const MAX_PARTS = 10_000;

/**
 * Blobs in an S3-compatible bucket: `<prefix><first two hex digits>/<sha256>`, the folder
 * store's layout. An object appears under its key only whole and only once its hash is
 * known to be right:
 * - content that fits in one part is hashed first and written with one PutObject (signed
 *   with its SHA-256, which S3 checks);
 * - a larger upload with an expected hash goes straight to its key as a multipart upload,
 *   completed only if the hash matched and aborted otherwise;
 * - a larger upload without one goes to `<prefix>tmp/`, is copied to its key once the hash
 *   is known, and the temporary object is deleted.
 * At most two parts are in memory at a time. A process that dies mid-upload leaves an
 * incomplete multipart upload or a `<prefix>tmp/` object, which a bucket lifecycle rule
 * clears; never a wrong or partial object under a key.
 */
export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly maxBytes: number;
  readonly partBytes: number;
  readonly #client: S3Client;
  readonly #where: string;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix ?? "");
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOB_BYTES;
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    if (this.maxBytes > MAX_COPY_BYTES) {
      throw new ControlRoomError(
        "E_STORE_CONFIG",
        `the S3 blob store keeps blobs of up to ${MAX_COPY_BYTES} bytes (one CopyObject), not ${this.maxBytes}`,
        "maxBlobBytes",
      );
    }
    if (this.partBytes < MIN_PART_BYTES || this.partBytes * MAX_PARTS < this.maxBytes) {
      throw new ControlRoomError(
        "E_STORE_CONFIG",
        `a part of ${this.partBytes} bytes is under S3's 5 MiB or too small for ${MAX_PARTS} parts to hold ${this.maxBytes} bytes`,
        "partBytes",
      );
    }
    const region = options.region ?? "us-east-1";
    this.#where = options.endpoint ?? `AWS S3 in ${region}`;
    this.#client = new S3Client({
      region,
      // A copy: the SDK marks the object it is given.
      credentials: { ...options.credentials },
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      // Every body we send is a whole part of known length, signed with its SHA-256; the
      // SDK's own CRC trailers (aws-chunked) are what many S3-compatible servers refuse.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 5000 },
    });
  }

  /**
   * Opens the store and checks that the bucket is there and these credentials may use it,
   * so a misconfiguration is one clear error at start rather than a failed upload later.
   */
  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    const store = new S3BlobStore(options);
    try {
      await store.#client.send(new HeadBucketCommand({ Bucket: store.bucket }));
    } catch (error) {
      store.close();
      throw store.#unusable(error, options.credentials.accessKeyId);
    }
    return store;
  }

  keyOf(sha256: string): string {
    checkSha256(sha256);
    return `${this.prefix}${sha256.slice(0, 2)}/${sha256}`;
  }

  /** Lets go of the client's connections. */
  close(): void {
    this.#client.destroy();
  }

  async put(content: BlobContent, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const expected =
      options.expectedSha256 === undefined
        ? undefined
        : checkSha256(options.expectedSha256, "expectedSha256");
    const parts = new PartReader(content, this.partBytes, this.maxBytes);
    try {
      const first = (await parts.next()) ?? new Uint8Array(0);
      if (parts.ended) {
        const blob = parts.blob(expected);
        if (!(await this.has(blob.sha256))) {
          await this.#client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: this.keyOf(blob.sha256),
              Body: first,
            }),
          );
        }
        return blob;
      }
      if (expected !== undefined && (await this.has(expected))) {
        // Already kept: the bytes are still read and checked, but not sent again.
        while ((await parts.next()) !== undefined) {}
        return parts.blob(expected);
      }
      return await this.#putInParts(first, parts, expected);
    } finally {
      await parts.close();
    }
  }

  async #putInParts(
    first: Uint8Array,
    parts: PartReader,
    expected: string | undefined,
  ): Promise<StoredBlob> {
    const Bucket = this.bucket;
    const Key = expected === undefined ? this.#temporaryKey() : this.keyOf(expected);
    const { UploadId } = await this.#client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    let uploading: Promise<{ PartNumber: number; ETag?: string }> | undefined;
    let completed = false;
    try {
      const sent: { PartNumber: number; ETag?: string }[] = [];
      for (let part: Uint8Array | undefined = first, n = 1; part !== undefined; n++) {
        if (uploading) sent.push(await uploading);
        const PartNumber = n;
        uploading = this.#client
          .send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: part }))
          .then(({ ETag }) => ({ PartNumber, ETag }));
        // Awaited on the next turn or below; a failure while the next part is read must not
        // be an unhandled rejection in between.
        uploading.catch(() => {});
        part = await parts.next();
      }
      sent.push(await uploading!);
      const blob = parts.blob(expected);
      if (expected === undefined && (await this.has(blob.sha256))) return blob;
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: sent },
        }),
      );
      completed = true;
      if (expected === undefined) {
        try {
          await this.#client.send(
            new CopyObjectCommand({
              Bucket,
              Key: this.keyOf(blob.sha256),
              CopySource: `${Bucket}/${Key.split("/").map(encodeURIComponent).join("/")}`,
            }),
          );
        } finally {
          await this.#client.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => {});
        }
      }
      return blob;
    } finally {
      if (!completed) {
        await uploading?.catch(() => {});
        // Best effort: an upload never completed is never an object, and some servers
        // (s3rver) do not implement the abort at all.
        await this.#client
          .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
          .catch(() => {});
      }
    }
  }

  #temporaryKey(): string {
    return `${this.prefix}tmp/${process.pid}-${randomBytes(8).toString("hex")}.part`;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }),
      );
      return head.ContentLength;
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async get(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }),
      );
      return object.Body as Readable;
    } catch (error) {
      throw httpStatus(error) === 404 ? blobMissing(sha256) : error;
    }
  }

  #unusable(error: unknown, accessKeyId: string): ControlRoomError {
    const status = httpStatus(error);
    const bucket = `the S3 bucket "${this.bucket}" at ${this.#where}`;
    if (status === 404) {
      return new ControlRoomError(
        "E_STORE_CONNECT",
        `${bucket} does not exist (CONTROLROOM_S3_BUCKET); create it first`,
        "CONTROLROOM_S3_BUCKET",
      );
    }
    if (status === 403) {
      return new ControlRoomError(
        "E_STORE_CONNECT",
        `${bucket} refused the access key ${accessKeyId}: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
        "AWS_ACCESS_KEY_ID",
      );
    }
    const why = status === undefined ? (error as Error).message : `HTTP ${status}`;
    return new ControlRoomError(
      "E_STORE_CONNECT",
      `could not reach ${bucket} (CONTROLROOM_S3_ENDPOINT, CONTROLROOM_S3_REGION): ${why}`,
      "CONTROLROOM_S3_ENDPOINT",
    );
  }
}

function normalisePrefix(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/**
 * Cuts content into parts of `partBytes` (the last may be shorter), hashing and counting
 * as it reads, and refusing to read past `maxBytes`.
 */
class PartReader {
  readonly #chunks: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  readonly #partBytes: number;
  readonly #maxBytes: number;
  readonly #hash = createHash("sha256");
  #size = 0;
  #leftover: Uint8Array | undefined;
  #done = false;

  constructor(content: BlobContent, partBytes: number, maxBytes: number) {
    this.#chunks =
      content instanceof Uint8Array
        ? [content][Symbol.iterator]()
        : content[Symbol.asyncIterator]();
    this.#partBytes = partBytes;
    this.#maxBytes = maxBytes;
  }

  /** True once every byte has been handed out. */
  get ended(): boolean {
    return this.#done && this.#leftover === undefined;
  }

  /** The next part, or undefined when none is left. */
  async next(): Promise<Uint8Array | undefined> {
    const pieces: Uint8Array[] = [];
    let length = 0;
    while (length < this.#partBytes) {
      const chunk = this.#leftover ?? (await this.#read());
      this.#leftover = undefined;
      if (chunk === undefined) break;
      const room = this.#partBytes - length;
      if (chunk.byteLength > room) this.#leftover = chunk.subarray(room);
      const piece = chunk.subarray(0, room);
      pieces.push(piece);
      length += piece.byteLength;
    }
    // A full part may have been the last: look one chunk ahead so `ended` can tell.
    if (this.#leftover === undefined && !this.#done) this.#leftover = await this.#read();
    if (pieces.length === 0) return undefined;
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, length);
  }

  async #read(): Promise<Uint8Array | undefined> {
    while (!this.#done) {
      const result = await this.#chunks.next();
      if (result.done) {
        this.#done = true;
        break;
      }
      const chunk = result.value;
      if (chunk.byteLength === 0) continue;
      this.#size += chunk.byteLength;
      if (this.#size > this.#maxBytes) throw blobTooLarge(this.#maxBytes);
      this.#hash.update(chunk);
      return chunk;
    }
    return undefined;
  }

  /** The key and size of everything read, checked against the hash it was sent with. */
  blob(expected: string | undefined): StoredBlob {
    const sha256 = this.#hash.digest("hex");
    if (expected !== undefined && sha256 !== expected) throw blobHashMismatch(sha256, expected);
    return { sha256, size: this.#size };
  }

  /** Stops the source if it was not read to the end (an error, a refusal). */
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#chunks.return?.();
    }
  }
}
