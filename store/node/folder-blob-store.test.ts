import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { readBlob } from "../blob-store.ts";
import { FolderBlobStore } from "./folder-blob-store.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

async function* chunked(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function refusal(promise: Promise<unknown>): Promise<ControlRoomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ControlRoomError);
  return error as ControlRoomError;
}

/** Every file under the root, relative, except the (empty) temporary folder. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe("FolderBlobStore", () => {
  let root: string;
  let blobs: FolderBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "controlroom-blobs-"));
    blobs = new FolderBlobStore(root, { maxBytes: 1 << 20 });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("keeps bytes under <aa>/<sha256>, hashed while they stream in", async () => {
    const data = bytes(300_000, 1);
    const stored = await blobs.put(chunked(data, 65_536));
    expect(stored).toEqual({ sha256: sha256(data), size: data.length });
    expect(await filesUnder(root)).toEqual([path.join(stored.sha256.slice(0, 2), stored.sha256)]);
    expect(await readFile(blobs.pathOf(stored.sha256))).toEqual(Buffer.from(data));
    expect(await readBlob(blobs, stored.sha256)).toEqual(data);
    expect(await blobs.has(stored.sha256)).toBe(true);
    expect(await blobs.size(stored.sha256)).toBe(data.length);
  });

  it("accepts an upload whose hash matches the one it was sent with", async () => {
    const data = bytes(1000, 2);
    expect((await blobs.put(data, { expectedSha256: sha256(data) })).sha256).toBe(sha256(data));
  });

  it("refuses an upload whose hash differs from the one it was sent with, keeping nothing", async () => {
    const data = bytes(1000, 3);
    const claimed = sha256(bytes(1000, 4));
    const error = await refusal(blobs.put(chunked(data, 100), { expectedSha256: claimed }));
    expect(error.code).toBe("E_BLOB_HASH_MISMATCH");
    expect(error.message).toContain(sha256(data));
    expect(error.message).toContain(claimed);
    expect(await filesUnder(root)).toEqual([]);
    expect(await blobs.has(claimed)).toBe(false);
    expect(await blobs.has(sha256(data))).toBe(false);
  });

  it("refuses an upload over the size limit, keeping nothing", async () => {
    const error = await refusal(blobs.put(chunked(bytes((1 << 20) + 1, 5), 65_536)));
    expect(error.code).toBe("E_BLOB_TOO_LARGE");
    expect(error.message).toContain(String(1 << 20));
    expect(await filesUnder(root)).toEqual([]);
  });

  it("stores the same bytes once", async () => {
    const data = bytes(5000, 6);
    const [a, b] = await Promise.all([blobs.put(data), blobs.put(chunked(data, 7))]);
    expect(a).toEqual(b);
    expect(await filesUnder(root)).toHaveLength(1);
  });

  it("names a missing blob, and refuses a key that is not a SHA-256", async () => {
    const absent = sha256(bytes(10, 7));
    expect(await refusal(blobs.get(absent))).toMatchObject({ code: "E_BLOB_MISSING" });
    expect(await blobs.has(absent)).toBe(false);
    expect(await refusal(blobs.get("../../etc/passwd"))).toMatchObject({ code: "E_BLOB_KEY" });
    expect(
      await refusal(blobs.put(bytes(1, 1), { expectedSha256: absent.toUpperCase() })),
    ).toMatchObject({ code: "E_BLOB_KEY", subject: "expectedSha256" });
  });
});
