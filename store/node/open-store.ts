import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzleNodePostgres } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { Client, Pool } from "pg";
import { ControlRoomError } from "../../music/errors.ts";
import type { BlobStore } from "../blob-store.ts";
import type { ScriptSession, StoreDriver } from "../database.ts";
import { migrate } from "../migrate.ts";
import { tables } from "../schema.ts";
import { Store } from "../store.ts";
import { FolderBlobStore } from "./folder-blob-store.ts";
import { lockFolder } from "./folder-lock.ts";
import { readMigrations } from "./migration-files.ts";
import { S3BlobStore, type S3BlobStoreOptions } from "./s3-blob-store.ts";
import { s3OptionsFromEnv } from "./s3-environment.ts";

export interface StoreOptions {
  /**
   * The folder for the embedded database (`db/`) and the blobs (`blobs/`).
   * `./.controlroom` by default.
   */
  dataDir?: string;
  /** A PostgreSQL server (`postgres://user:password@host:port/database`) instead of PGlite. */
  databaseUrl?: string;
  /** Where files go; a folder in `<dataDir>/blobs` by default. */
  blobs?: BlobStore;
  /** An S3-compatible bucket for the files instead of the folder. */
  s3?: S3BlobStoreOptions;
  /** Largest upload the blob folder or bucket accepts, in bytes. */
  maxBlobBytes?: number;
}

export const DEFAULT_DATA_DIR = ".controlroom";

/**
 * The options a command or server takes from its environment: `DATABASE_URL`, the
 * `CONTROLROOM_S3_*` bucket with `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, and `--data`.
 */
export function storeOptionsFromEnv(
  env: Record<string, string | undefined>,
  dataDir?: string,
): StoreOptions {
  const databaseUrl = env.DATABASE_URL?.trim();
  const s3 = s3OptionsFromEnv(env);
  return {
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(s3 ? { s3 } : {}),
  };
}

/**
 * Opens the store and brings its database up to the newest migration (in one
 * transaction). PGlite in `<dataDir>/db` unless `databaseUrl` names a server; blobs in
 * `<dataDir>/blobs` unless `s3` names a bucket, which is checked first.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const maxBytes = options.maxBlobBytes;
  const blobs: BlobStore =
    options.blobs ??
    (options.s3
      ? await S3BlobStore.open({ ...options.s3, maxBytes: options.s3.maxBytes ?? maxBytes })
      : new FolderBlobStore(path.join(dataDir, "blobs"), { maxBytes }));
  let driver: StoreDriver | undefined;
  try {
    driver = options.databaseUrl
      ? await openPostgres(options.databaseUrl)
      : await openPglite(path.join(dataDir, "db"));
    await migrate(driver, await readMigrations());
  } catch (error) {
    await driver?.close();
    if (!options.blobs) blobs.close?.();
    throw error;
  }
  return new Store(driver, blobs);
}

async function openPglite(dir: string): Promise<StoreDriver> {
  await mkdir(dir, { recursive: true });
  const unlock = await lockFolder(dir);
  // Node's PGlite writes through to the folder (NODEFS): a commit is in the WAL file when
  // the query returns, so a killed process loses nothing it was told was committed.
  const client = await PGlite.create(dir, { relaxedDurability: false }).catch(
    async (error: Error) => {
      await unlock();
      throw new ControlRoomError(
        "E_STORE_OPEN",
        `could not open the database in ${dir}: ${error.message}`,
        dir,
      );
    },
  );
  const db = drizzlePglite({ client, schema: tables });
  return {
    kind: "pglite",
    db,
    connection: { kind: "pglite", client },
    notify: async (channel, payload) => {
      await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    listen: (channel, handler) => client.listen(channel, handler),
    scriptTransaction: (work) =>
      client.transaction((tx) =>
        work({
          exec: async (script) => {
            await tx.exec(script);
          },
          rows: async <Row>(text: string, params?: unknown[]) =>
            (await tx.query<Row>(text, params)).rows,
        }),
      ),
    close: async () => {
      await client.close();
      await unlock();
    },
  };
}

/** `postgres://user@host:port/db` with the password left out, for messages. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    url.password = "";
    return url.toString();
  } catch {
    return "(a malformed DATABASE_URL)";
  }
}

/**
 * LISTEN on a connection of its own (a pooled one would lose it to the next query), opened
 * again a second after it drops, until the returned function stops it.
 */
async function listenOnServer(
  databaseUrl: string,
  channel: string,
  handler: (payload: string) => void,
): Promise<() => Promise<void>> {
  let client: Client | undefined;
  let stopped = false;
  const connect = async () => {
    const next = new Client({ connectionString: databaseUrl });
    next.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined) handler(message.payload);
    });
    next.on("error", () => {
      next.end().catch(() => {});
      if (!stopped) setTimeout(() => connect().catch(() => {}), 1000).unref();
    });
    await next.connect();
    await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    client = next;
    if (stopped) await next.end();
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}

async function openPostgres(databaseUrl: string): Promise<StoreDriver> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  // An idle connection the server closes must not take the process down; the next query
  // gets a fresh one.
  pool.on("error", () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new ControlRoomError(
      "E_STORE_CONNECT",
      `could not connect to the PostgreSQL server at ${describeDatabaseUrl(databaseUrl)}: ${(error as Error).message}`,
      "DATABASE_URL",
    );
  }
  const db = drizzleNodePostgres({ client: pool, schema: tables });
  return {
    kind: "postgres",
    db,
    connection: { kind: "postgres", pool, databaseUrl },
    notify: async (channel, payload) => {
      await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    listen: (channel, handler) => listenOnServer(databaseUrl, channel, handler),
    async scriptTransaction<T>(work: (session: ScriptSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          exec: async (script) => {
            await client.query(script);
          },
          rows: async <Row>(text: string, params?: unknown[]) =>
            (await client.query(text, params)).rows as Row[],
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
