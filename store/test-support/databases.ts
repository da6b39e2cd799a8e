import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { describeDatabaseUrl, openStore, type StoreOptions } from "../node/open-store.ts";
import type { Store } from "../store.ts";

/**
 * The storage suites run twice: on PGlite in a temporary folder, and on the PostgreSQL
 * server `TEST_DATABASE_URL` names (.ci/run starts one), each test in a database of its own.
 */

export interface OpenedStore {
  /** The store the tests use; a test that reopens the database puts the new one here. */
  store: Store;
  /** What opens this same database again, in this process or a child. */
  options: StoreOptions;
  /**
   * A second client of the same database: its own connections on a server; on PGlite,
   * which one process opens once, the same store.
   */
  openClient(): Promise<Store>;
  /** Closes every store opened here and removes the database and folder. */
  cleanup(): Promise<void>;
}

export interface TestDatabase {
  name: "PGlite" | "PostgreSQL";
  /** Why this half is skipped, or undefined when it runs. */
  skip: string | undefined;
  open(): Promise<OpenedStore>;
}

async function tempDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "controlroom-store-"));
}

const pglite: TestDatabase = {
  name: "PGlite",
  skip: undefined,
  async open() {
    const dataDir = await tempDataDir();
    const options = { dataDir };
    const opened: OpenedStore = {
      store: await openStore(options),
      options,
      openClient: async () => opened.store,
      async cleanup() {
        await opened.store.close().catch(() => {});
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    return opened;
  },
};

const serverUrl = process.env.TEST_DATABASE_URL?.trim();

async function unreachable(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return `TEST_DATABASE_URL (${describeDatabaseUrl(url)}) cannot be reached: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const postgresSkip = serverUrl
  ? await unreachable(serverUrl)
  : "TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL server and sets it)";

const postgres: TestDatabase = {
  name: "PostgreSQL",
  skip: postgresSkip && `the PostgreSQL half of the store suites is skipped: ${postgresSkip}`,
  async open() {
    const name = `controlroom_test_${randomBytes(6).toString("hex")}`;
    await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    const dataDir = await tempDataDir();
    const options = { dataDir, databaseUrl: url.toString() };
    const clients: Store[] = [];
    const opened: OpenedStore = {
      store: await openStore(options),
      options,
      async openClient() {
        const store = await openStore(options);
        clients.push(store);
        return store;
      },
      async cleanup() {
        const stores = [opened.store, ...clients];
        await Promise.all(stores.map((store) => store.close().catch(() => {})));
        await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    return opened;
  },
};

export const testDatabases: TestDatabase[] = [pglite, postgres];

for (const database of testDatabases) {
  if (database.skip) console.warn(database.skip);
}
