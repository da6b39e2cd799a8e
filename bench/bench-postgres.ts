/**
 * A PostgreSQL database for the server benchmark, empty so the studio's first start runs:
 * a new database on the server BENCH_DATABASE_URL names, or else a throwaway cluster on
 * 127.0.0.1 started from Debian's postgresql (initdb and pg_ctl, under the postgres user
 * when we are root, since the server refuses to run as root), removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { describeDatabaseUrl } from "../store/node/open-store.ts";

export interface BenchPostgres {
  /** The empty database's URL, for DATABASE_URL. */
  url: string;
  /** What it is, for the report: a server's address and version. */
  description: string;
  remove(): Promise<void>;
}

const DEBIAN_POSTGRES = "/usr/lib/postgresql";

/** The database, or a sentence on why the PostgreSQL half is skipped. */
export async function benchPostgres(): Promise<BenchPostgres | string> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  if (given) return freshDatabase(given, async () => {});
  const bin = newestPostgresBin();
  if (bin === null) {
    return `PostgreSQL is not installed (no ${DEBIAN_POSTGRES}/*/bin/initdb; Debian: apt-get install postgresql), and BENCH_DATABASE_URL is not set`;
  }
  return throwawayCluster(bin);
}

function newestPostgresBin(): string | null {
  if (!existsSync(DEBIAN_POSTGRES)) return null;
  const versions = readdirSync(DEBIAN_POSTGRES)
    .filter((v) => existsSync(path.join(DEBIAN_POSTGRES, v, "bin", "initdb")))
    .sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b));
  const newest = versions.at(-1);
  return newest === undefined ? null : path.join(DEBIAN_POSTGRES, newest, "bin");
}

async function throwawayCluster(bin: string): Promise<BenchPostgres | string> {
  const dir = await mkdtemp(path.join(tmpdir(), "controlroom-bench-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const argv = asRoot
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, command), ...args]]
      : [path.join(bin, command), args];
    return spawnSync(argv[0] as string, argv[1] as string[], { encoding: "utf8" });
  };
  const password = randomBytes(18).toString("hex");
  const pwfile = path.join(dir, "pwfile");
  await writeFile(pwfile, `${password}\n`);
  if (asRoot) {
    const postgres = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const group = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (postgres.status !== 0) {
      await rm(dir, { recursive: true, force: true });
      return "we run as root and there is no postgres user to run the server as";
    }
    for (const file of [dir, pwfile]) {
      chownSync(file, Number(postgres.stdout), Number(group.stdout));
    }
  }
  const data = path.join(dir, "data");
  const stop = async () => {
    run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    await rm(dir, { recursive: true, force: true });
  };
  const init = run("initdb", [
    "-D",
    data,
    "-U",
    "controlroom",
    `--pwfile=${pwfile}`,
    "--auth=scram-sha-256",
    "--no-sync",
  ]);
  if (init.status !== 0) {
    await stop();
    return `initdb failed: ${init.stderr.trim()}`;
  }
  const port = await freePort();
  const started = run("pg_ctl", [
    "-D",
    data,
    "-l",
    path.join(dir, "log"),
    "-w",
    "-o",
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`,
    "start",
  ]);
  if (started.status !== 0) {
    await stop();
    return `pg_ctl could not start a cluster: ${started.stderr.trim() || started.stdout.trim()}`;
  }
  const admin = `postgres://controlroom:${password}@127.0.0.1:${port}/postgres`;
  return freshDatabase(admin, stop, `a throwaway cluster (${path.basename(path.dirname(bin))})`);
}

/** A new database on the server `adminUrl` reaches; removing it drops it, then `after`. */
async function freshDatabase(
  adminUrl: string,
  after: () => Promise<void>,
  origin = "BENCH_DATABASE_URL",
): Promise<BenchPostgres | string> {
  const name = `controlroom_bench_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
    const version = await admin.query<{ server_version: string }>("SHOW server_version");
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      description: `PostgreSQL ${version.rows[0]?.server_version} on ${describeDatabaseUrl(url.toString())}, ${origin}, default settings`,
      async remove() {
        const client = new Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
        await after();
      },
    };
  } catch (error) {
    await after();
    return `${describeDatabaseUrl(adminUrl)} cannot be used: ${(error as Error).message}`;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** A port nobody listens on now: the one the kernel hands out for port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
