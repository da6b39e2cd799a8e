import { getTableConfig } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlRoomError } from "../music/errors.ts";
import { readMigrations } from "./node/migration-files.ts";
import { openStore } from "./node/open-store.ts";
import { tables } from "./schema.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";

async function rows<Row>(store: Store, text: string): Promise<Row[]> {
  // Both drivers answer with `{ rows }`; the shared drizzle type cannot say so.
  const result = (await store.db.execute(text)) as unknown as { rows: Row[] };
  return result.rows;
}

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`migrations on ${database.name}`, () => {
    let opened: OpenedStore;
    beforeAll(async () => {
      opened = await database.open();
    });
    afterAll(() => opened.cleanup());

    it("applies every migration in store/migrations once, and not again on the next open", async () => {
      const names = (await readMigrations()).map((m) => m.name);
      expect(names[0]).toBe("0001_initial");
      const applied = async (store: Store) =>
        (
          await rows<{ name: string }>(store, "SELECT name FROM schema_migrations ORDER BY name")
        ).map((r) => r.name);
      expect(await applied(opened.store)).toEqual(names);
      await opened.store.close();
      opened.store = await openStore(opened.options);
      expect(await applied(opened.store)).toEqual(names);
    });

    it("creates every column the typed schema (schema.ts) queries, with the same nullability", async () => {
      const columns = await rows<{ table_name: string; column_name: string; is_nullable: string }>(
        opened.store,
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const inDatabase = new Map(
        columns.map((c) => [`${c.table_name}.${c.column_name}`, c.is_nullable === "YES"]),
      );
      for (const table of Object.values(tables)) {
        const config = getTableConfig(table);
        for (const column of config.columns) {
          const key = `${config.name}.${column.name}`;
          expect(inDatabase.get(key), key).toBe(!column.notNull);
        }
        const declared = config.columns.map((c) => c.name).sort();
        const created = [...inDatabase.keys()]
          .filter((k) => k.startsWith(`${config.name}.`))
          .map((k) => k.slice(config.name.length + 1))
          .sort();
        expect(created, config.name).toEqual(declared);
      }
    });

    it("refuses a database that a newer Control Room migrated", async () => {
      await opened.store.db.execute("INSERT INTO schema_migrations (name) VALUES ('9999_future')");
      await opened.store.close();
      const error = await openStore(opened.options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ControlRoomError);
      expect(error).toMatchObject({ code: "E_STORE_MIGRATION_UNKNOWN" });
      expect((error as Error).message).toContain("9999_future");
      opened.store = await openStoreAfter(
        opened,
        "DELETE FROM schema_migrations WHERE name = '9999_future'",
      );
    });
  });
}

/** Opens the database without migrating, runs one statement, then opens it properly. */
async function openStoreAfter(opened: OpenedStore, statement: string): Promise<Store> {
  if (opened.options.databaseUrl) {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: opened.options.databaseUrl });
    await client.connect();
    await client.query(statement);
    await client.end();
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    const path = await import("node:path");
    const pg = await PGlite.create(path.join(opened.options.dataDir!, "db"));
    await pg.exec(statement);
    await pg.close();
  }
  return openStore(opened.options);
}

const server = testDatabases.find((d) => d.name === "PostgreSQL")!;
describe.skipIf(server.skip)("migrations on a shared PostgreSQL server", () => {
  it("migrates once when several Control Rooms open the same new database at once", async () => {
    const opened = await server.open();
    try {
      // Back to a new database: tables, functions and triggers alike.
      await opened.store.db.execute("DROP SCHEMA public CASCADE");
      await opened.store.db.execute("CREATE SCHEMA public");
      const stores = await Promise.all([1, 2, 3, 4].map(() => opened.openClient()));
      const applied = await rows<{ count: number }>(
        stores[0],
        "SELECT count(*)::int AS count FROM schema_migrations",
      );
      expect(applied[0].count).toBe((await readMigrations()).length);
    } finally {
      await opened.cleanup();
    }
  });
});
