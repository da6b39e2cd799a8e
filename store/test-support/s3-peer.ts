import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { S3Credentials } from "../node/s3-blob-store.ts";

/**
 * A real S3 server for the S3 blob store's tests: s3rver, on a free loopback port, with its
 * objects in a temporary folder. It speaks S3's REST and XML, multipart uploads and copies,
 * and refuses an access key it does not know; it does not check SigV4 signatures, and it
 * leaves out aborting a multipart upload, which the store treats as best effort anyway.
 */
export interface S3Peer {
  endpoint: string;
  /** The key pair s3rver accepts. */
  credentials: S3Credentials;
  /** A fresh, empty bucket. */
  createBucket(): Promise<string>;
  /** Every object's key in a bucket, sorted. */
  keys(bucket: string): Promise<string[]>;
  /** `<bucket>/<key>` of every object written (put, completed or copied) so far. */
  readonly writes: string[];
  stop(): Promise<void>;
}

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: "event", listener: (event: S3rverEvent) => void): void;
}

interface S3rverEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[];
}

type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
}) => S3rverServer;

const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

export async function startS3Peer(): Promise<S3Peer> {
  const directory = await mkdtemp(path.join(tmpdir(), "controlroom-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  const writes: string[] = [];
  server.on("event", (event) => {
    for (const record of event.Records) {
      if (record.eventName.startsWith("ObjectCreated")) {
        writes.push(`${record.s3.bucket.name}/${record.s3.object.key}`);
      }
    }
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { ...credentials },
  });
  return {
    endpoint,
    credentials,
    writes,
    async createBucket() {
      const bucket = `takes-${randomBytes(6).toString("hex")}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async keys(bucket) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }),
        );
        for (const object of page.Contents ?? []) keys.push(object.Key!);
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken);
      return keys.sort();
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
