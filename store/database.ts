import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Pool } from "pg";
import type { tables } from "./schema.ts";

/** drizzle over either driver: PGlite in a folder, or a PostgreSQL server. */
export type StoreDatabase = PgDatabase<PgQueryResultHKT, typeof tables>;

/** A transaction that can run whole SQL scripts, which migrations need and drizzle does not offer. */
export interface ScriptSession {
  /** Runs a script of one or more statements; no parameters, no results. */
  exec(script: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  rows<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

/** The connection under drizzle: one PGlite, or a pool of a PostgreSQL server's connections. */
export type StoreConnection =
  | { kind: "pglite"; client: PGlite }
  | { kind: "postgres"; pool: Pool; databaseUrl: string };

export interface StoreDriver {
  readonly kind: "pglite" | "postgres";
  readonly db: StoreDatabase;
  readonly connection: StoreConnection;
  /** NOTIFY `channel` with `payload`, delivered when (and if) the caller's work commits. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Calls `handler` with every payload NOTIFY sends on `channel`, from any connection;
   * returns what stops it.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  scriptTransaction<T>(work: (session: ScriptSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The SQLSTATE of a driver error, looking through drizzle's wrapper. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint a driver error names (unique or foreign-key violations). */
export function violatedConstraint(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const name = (e as { constraint?: unknown }).constraint;
    if (typeof name === "string") return name;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = "23505";
export const FOREIGN_KEY_VIOLATION = "23503";
