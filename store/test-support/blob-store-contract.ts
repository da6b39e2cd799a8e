import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BlobStore, readBlob } from "../blob-store.ts";
import { refusal } from "./documents.ts";

/**
 * What every BlobStore does, whatever keeps the bytes: the folder and the S3 bucket run
 * these same tests.
 */
export interface BlobStoreUnderTest {
  blobs: BlobStore;
  /** Where a blob's bytes are kept, as `keys` lists it. */
  keyOf(sha256: string): string;
  /** Everything the store keeps, temporary files or objects included, sorted. */
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export type OpenBlobStore = (options: { maxBytes?: number }) => Promise<BlobStoreUnderTest>;

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Reproducible noise (a linear congruential generator), so a failure can be replayed. */
export function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

export async function* chunked(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

const MiB = 1024 ** 2;
/** A take several S3 parts long (the S3 store cuts 8 MiB parts). */
const TAKE_BYTES = 20 * MiB + 12_345;

export function describeBlobStoreContract(name: string, open: OpenBlobStore): void {
  describe(`${name}: the BlobStore contract`, () => {
    const opened: BlobStoreUnderTest[] = [];
    let store: BlobStoreUnderTest;
    let blobs: BlobStore;
    const openStore = async (options: { maxBytes?: number } = {}) => {
      const next = await open(options);
      opened.push(next);
      return next;
    };
    beforeEach(async () => {
      store = await openStore();
      blobs = store.blobs;
    });
    afterEach(async () => {
      for (const each of opened.splice(0)) await each.cleanup();
    });

    it("keeps bytes under <aa>/<sha256>, hashed while they stream in", async () => {
      const data = bytes(300_000, 1);
      const stored = await blobs.put(chunked(data, 65_536));
      expect(stored).toEqual({ sha256: sha256(data), size: data.length });
      expect(store.keyOf(stored.sha256)).toMatch(
        new RegExp(`(^|/)${stored.sha256.slice(0, 2)}/${stored.sha256}$`),
      );
      expect(await store.keys()).toEqual([store.keyOf(stored.sha256)]);
      expect(await readBlob(blobs, stored.sha256)).toEqual(data);
      expect(await blobs.has(stored.sha256)).toBe(true);
      expect(await blobs.size(stored.sha256)).toBe(data.length);
    });

    it("gives back a multi-megabyte take byte for byte, leaving nothing temporary", async () => {
      const data = bytes(TAKE_BYTES, 2);
      const stored = await blobs.put(chunked(data, 65_536));
      expect(stored).toEqual({ sha256: sha256(data), size: data.length });
      expect(await store.keys()).toEqual([store.keyOf(stored.sha256)]);
      expect(await blobs.size(stored.sha256)).toBe(data.length);
      expect(sha256(await readBlob(blobs, stored.sha256))).toBe(stored.sha256);
    });

    it("accepts uploads whose hash matches the one they were sent with", async () => {
      const small = bytes(1000, 3);
      const take = bytes(TAKE_BYTES, 4);
      expect(await blobs.put(small, { expectedSha256: sha256(small) })).toEqual({
        sha256: sha256(small),
        size: small.length,
      });
      expect(await blobs.put(chunked(take, 65_536), { expectedSha256: sha256(take) })).toEqual({
        sha256: sha256(take),
        size: take.length,
      });
      expect(await store.keys()).toEqual(
        [store.keyOf(sha256(small)), store.keyOf(sha256(take))].sort(),
      );
      expect(sha256(await readBlob(blobs, sha256(take)))).toBe(sha256(take));
    });

    it("refuses uploads whose hash differs from the one they were sent with, keeping nothing", async () => {
      for (const [data, chunk] of [
        [bytes(1000, 5), 100],
        [bytes(TAKE_BYTES, 6), 65_536],
      ] as const) {
        const claimed = sha256(bytes(1000, 7));
        const error = await refusal(blobs.put(chunked(data, chunk), { expectedSha256: claimed }));
        expect(error.code).toBe("E_BLOB_HASH_MISMATCH");
        expect(error.message).toContain(sha256(data));
        expect(error.message).toContain(claimed);
        expect(await store.keys()).toEqual([]);
        expect(await blobs.has(claimed)).toBe(false);
        expect(await blobs.has(sha256(data))).toBe(false);
      }
    });

    it("refuses an upload over the size limit, keeping nothing", async () => {
      const limit = 12 * MiB;
      const limited = await openStore({ maxBytes: limit });
      const over = bytes(limit + 1, 8);
      for (const content of [chunked(over, 65_536), over]) {
        const error = await refusal(limited.blobs.put(content));
        expect(error.code).toBe("E_BLOB_TOO_LARGE");
        expect(error.message).toContain(String(limit));
        expect(await limited.keys()).toEqual([]);
      }
      const atLimit = over.subarray(0, limit);
      expect((await limited.blobs.put(chunked(atLimit, 65_536))).size).toBe(limit);
    });

    it("stores the same bytes once when they are put at the same time", async () => {
      const small = bytes(5000, 9);
      const take = bytes(TAKE_BYTES, 10);
      const [a, b, c, d, e] = await Promise.all([
        blobs.put(small),
        blobs.put(chunked(small, 7)),
        blobs.put(chunked(take, 65_536)),
        blobs.put(chunked(take, 100_000)),
        blobs.put(chunked(take, 65_536), { expectedSha256: sha256(take) }),
      ]);
      expect(a).toEqual(b);
      expect(c).toEqual(d);
      expect(c).toEqual(e);
      expect(await store.keys()).toEqual([store.keyOf(a.sha256), store.keyOf(c.sha256)].sort());
      expect(sha256(await readBlob(blobs, c.sha256))).toBe(c.sha256);
    });

    it("keeps an empty file", async () => {
      const empty = new Uint8Array(0);
      expect(await blobs.put(chunked(empty, 1))).toEqual({ sha256: sha256(empty), size: 0 });
      expect(await blobs.size(sha256(empty))).toBe(0);
      expect(await readBlob(blobs, sha256(empty))).toEqual(empty);
    });

    it("names a missing blob, and refuses a key that is not a SHA-256", async () => {
      const absent = sha256(bytes(10, 11));
      expect(await refusal(blobs.get(absent))).toMatchObject({ code: "E_BLOB_MISSING" });
      expect(await blobs.has(absent)).toBe(false);
      expect(await blobs.size(absent)).toBeUndefined();
      expect(await refusal(blobs.get("../../etc/passwd"))).toMatchObject({ code: "E_BLOB_KEY" });
      expect(
        await refusal(blobs.put(bytes(1, 1), { expectedSha256: absent.toUpperCase() })),
      ).toMatchObject({ code: "E_BLOB_KEY", subject: "expectedSha256" });
    });
  });
}
