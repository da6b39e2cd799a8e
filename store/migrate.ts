import { ControlRoomError } from "../music/errors.ts";
import type { StoreDriver } from "./database.ts";

export interface Migration {
  /** `0001_initial`: applied in name order, each once. */
  name: string;
  sql: string;
}

/** Any fixed number: every Control Room migrating the same database waits on it. */
const MIGRATION_LOCK = 0x636f6e74726f6c;

/**
 * Brings the database up to the newest migration in one transaction, under an advisory
 * lock so two processes starting at once do not both migrate. Returns the names it applied.
 */
export async function migrate(driver: StoreDriver, migrations: Migration[]): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  const known = new Set(ordered.map((m) => m.name));
  return driver.scriptTransaction(async (session) => {
    await session.rows("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await session.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const applied = new Set(
      (await session.rows<{ name: string }>("SELECT name FROM schema_migrations")).map(
        (row) => row.name,
      ),
    );
    const unknown = [...applied].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new ControlRoomError(
        "E_STORE_MIGRATION_UNKNOWN",
        `the database has migration ${unknown.join(", ")}, which this Control Room does not know; it was written by a newer version, update Control Room to open it`,
        "schema_migrations",
      );
    }
    const ran: string[] = [];
    for (const migration of ordered) {
      if (applied.has(migration.name)) continue;
      try {
        await session.exec(migration.sql);
      } catch (error) {
        throw new ControlRoomError(
          "E_STORE_MIGRATION_FAILED",
          `migration ${migration.name} failed: ${(error as Error).message}`,
          migration.name,
        );
      }
      await session.rows("INSERT INTO schema_migrations (name) VALUES ($1)", [migration.name]);
      ran.push(migration.name);
    }
    return ran;
  });
}
