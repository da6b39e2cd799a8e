import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBlob } from "../blob-store.ts";
import {
  bytes,
  chunked,
  describeBlobStoreContract,
  sha256,
} from "../test-support/blob-store-contract.ts";
import { firstDocument, refusal, someAccount } from "../test-support/documents.ts";
import { type S3Peer, startS3Peer } from "../test-support/s3-peer.ts";
import { openStore, storeOptionsFromEnv } from "./open-store.ts";
import { S3BlobStore } from "./s3-blob-store.ts";

let peer: S3Peer;
beforeAll(async () => {
  peer = await startS3Peer();
});
afterAll(() => peer?.stop());

const PREFIX = "studio/";

async function openBucket(options: { maxBytes?: number } = {}) {
  const bucket = await peer.createBucket();
  const blobs = await S3BlobStore.open({
    bucket,
    endpoint: peer.endpoint,
    credentials: peer.credentials,
    prefix: PREFIX,
    ...options,
  });
  return {
    blobs,
    bucket,
    keyOf: (sha: string) => blobs.keyOf(sha),
    keys: () => peer.keys(bucket),
    cleanup: async () => blobs.close(),
  };
}

describeBlobStoreContract("S3BlobStore on s3rver", openBucket);

/** The environment of a studio whose blobs live in `bucket` on the peer. */
function s3Env(bucket: string): Record<string, string> {
  return {
    CONTROLROOM_S3_BUCKET: bucket,
    CONTROLROOM_S3_ENDPOINT: peer.endpoint,
    CONTROLROOM_S3_PREFIX: "controlroom",
    AWS_ACCESS_KEY_ID: peer.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: peer.credentials.secretAccessKey,
  };
}

/** Runs `work` with a fresh data folder, removed after. */
async function inDataDir<T>(work: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "controlroom-s3-store-"));
  try {
    return await work(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("S3BlobStore", () => {
  it("keys blobs under the prefix, like the folder's layout", async () => {
    const opened = await openBucket();
    try {
      const stored = await opened.blobs.put(bytes(100, 1));
      expect(await opened.keys()).toEqual([`studio/${stored.sha256.slice(0, 2)}/${stored.sha256}`]);
    } finally {
      await opened.cleanup();
    }
  });

  it("writes nothing again when the bytes are already kept", async () => {
    const opened = await openBucket();
    try {
      const small = bytes(1000, 2);
      const take = bytes(20 * 1024 ** 2, 3);
      await opened.blobs.put(small);
      await opened.blobs.put(chunked(take, 65_536));
      const written = peer.writes.filter((write) => write.startsWith(`${opened.bucket}/`));
      // The take went through a temporary object: completed, then copied to its key.
      expect(written).toHaveLength(3);
      await opened.blobs.put(small);
      await opened.blobs.put(chunked(small, 10), { expectedSha256: sha256(small) });
      await opened.blobs.put(chunked(take, 65_536), { expectedSha256: sha256(take) });
      await opened.blobs.put(chunked(take, 65_536));
      expect(peer.writes.filter((write) => write.startsWith(`${opened.bucket}/`))).toEqual(written);
      expect(await opened.keys()).toEqual(
        [opened.keyOf(sha256(small)), opened.keyOf(sha256(take))].sort(),
      );
    } finally {
      await opened.cleanup();
    }
  });

  it("still refuses bytes that do not match the key they claim, even when that key is kept", async () => {
    const opened = await openBucket();
    try {
      const take = bytes(20 * 1024 ** 2, 4);
      await opened.blobs.put(take);
      const forged = take.slice();
      forged[forged.length - 1] ^= 1;
      const error = await refusal(
        opened.blobs.put(chunked(forged, 65_536), { expectedSha256: sha256(take) }),
      );
      expect(error.code).toBe("E_BLOB_HASH_MISMATCH");
      expect(sha256(await readBlob(opened.blobs, sha256(take)))).toBe(sha256(take));
    } finally {
      await opened.cleanup();
    }
  });
});

describe("openStore with CONTROLROOM_S3_BUCKET", () => {
  it("opens a store on PGlite whose files live in the bucket", async () => {
    const bucket = await peer.createBucket();
    await inDataDir(async (dataDir) => {
      const store = await openStore(storeOptionsFromEnv(s3Env(bucket), dataDir));
      try {
        expect(store.kind).toBe("pglite");
        const owner = await someAccount(store);
        const project = await store.createProject({
          title: "Night Drive",
          owner: owner.id,
          document: firstDocument(),
        });
        const take = bytes(3 * 1024 ** 2, 5);
        const stored = await store.putFile(project.id, "takes/vocal-1.wav", chunked(take, 65_536), {
          mediaType: "audio/wav",
          expectedSha256: sha256(take),
          addedBy: owner.id,
        });
        expect(await store.findFile(project.id, "takes/vocal-1.wav")).toMatchObject({
          sha256: sha256(take),
          size: take.length,
          mediaType: "audio/wav",
        });
        expect(await readBlob(store.blobs, stored.sha256)).toEqual(take);
        expect(await peer.keys(bucket)).toEqual([
          `controlroom/${stored.sha256.slice(0, 2)}/${stored.sha256}`,
        ]);
        expect(await store.checkBlobs()).toEqual({ recorded: 1, missing: [] });
        expect(await readdir(dataDir)).toEqual(["db"]);
      } finally {
        await store.close();
      }
    });
  });

  it("names the variable that is missing or wrong before anything opens", () => {
    const env = s3Env("takes");
    const missing = (name: string) => ({ ...env, [name]: undefined });
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
      expect(() => storeOptionsFromEnv(missing(name))).toThrow(
        expect.objectContaining({ code: "E_STORE_CONFIG", subject: name }),
      );
    }
    expect(() => storeOptionsFromEnv(missing("CONTROLROOM_S3_BUCKET"))).toThrow(
      expect.objectContaining({ code: "E_STORE_CONFIG", subject: "CONTROLROOM_S3_BUCKET" }),
    );
    expect(() =>
      storeOptionsFromEnv({ ...env, CONTROLROOM_S3_ENDPOINT: "127.0.0.1:9000" }),
    ).toThrow(
      expect.objectContaining({ code: "E_STORE_CONFIG", subject: "CONTROLROOM_S3_ENDPOINT" }),
    );
    expect(storeOptionsFromEnv({ ...env, AWS_REGION: "eu-west-1" }).s3).toEqual({
      bucket: "takes",
      endpoint: peer.endpoint,
      region: "eu-west-1",
      prefix: "controlroom",
      credentials: peer.credentials,
    });
  });

  it("names a bucket that does not exist, and leaves the data folder free", async () => {
    await inDataDir(async (dataDir) => {
      const error = await refusal(openStore(storeOptionsFromEnv(s3Env("no-such-bucket"), dataDir)));
      expect(error).toMatchObject({ code: "E_STORE_CONNECT", subject: "CONTROLROOM_S3_BUCKET" });
      expect(error.message).toContain('"no-such-bucket"');
      expect(error.message).toContain("does not exist");
      await (await openStore({ dataDir })).close();
    });
  });

  it("names the access key a bucket refuses, never the secret", async () => {
    const bucket = await peer.createBucket();
    const env = {
      ...s3Env(bucket),
      AWS_ACCESS_KEY_ID: "AKIANOBODYKNOWS",
      AWS_SECRET_ACCESS_KEY: "not-the-secret",
    };
    const error = await inDataDir((dataDir) =>
      refusal(openStore(storeOptionsFromEnv(env, dataDir))),
    );
    expect(error).toMatchObject({ code: "E_STORE_CONNECT", subject: "AWS_ACCESS_KEY_ID" });
    expect(error.message).toContain("AKIANOBODYKNOWS");
    expect(error.message).not.toContain("not-the-secret");
  });

  it("names an endpoint it cannot reach", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const env = { ...s3Env("takes"), CONTROLROOM_S3_ENDPOINT: endpoint };
    const error = await inDataDir((dataDir) =>
      refusal(openStore(storeOptionsFromEnv(env, dataDir))),
    );
    expect(error).toMatchObject({ code: "E_STORE_CONNECT", subject: "CONTROLROOM_S3_ENDPOINT" });
    expect(error.message).toContain(endpoint);
  });
});
