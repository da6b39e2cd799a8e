/**
 * The studio as a user starts it: `controlroom serve` in a child process of its own, so a
 * load tool in the benchmark's process never shares the server's event loop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(ROOT, "cli", "bin", "controlroom.ts");
const STARTUP_MS = 120_000;

export interface StudioProcess {
  /** `http://127.0.0.1:<port>`, without the trailing slash. */
  origin: string;
  /** The owner's password, printed once by the first start on an empty database. */
  ownerPassword: string | null;
  ownerEmail: string | null;
  pid: number;
  /** SIGTERM, as Ctrl-C would; the studio closes its store before it exits. */
  stop(): Promise<void>;
}

/**
 * Starts `controlroom serve` on a free port with the data folder `dataDir`, on PGlite or on
 * the PostgreSQL server `databaseUrl` names. On a first start (`firstStart`) it also waits
 * for the sign-in line and reads the owner's password from it.
 */
export function startStudioProcess(options: {
  dataDir: string;
  databaseUrl?: string;
  firstStart: boolean;
}): Promise<StudioProcess> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--port", "0", "--host", "127.0.0.1", "--data", options.dataDir],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`controlroom serve did not start in ${STARTUP_MS / 1000} s:\n${stderr}`));
    }, STARTUP_MS);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`controlroom serve exited (${code}) before it was ready:\n${stderr}`));
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const running = /running at (http:\/\/[^/\s]+)\//.exec(stdout);
      const owner = /as (\S+@\S+) with the password (\S+)/.exec(stdout);
      if (running === null || (options.firstStart && owner === null)) return;
      clearTimeout(timer);
      resolve({
        origin: running[1]!,
        ownerEmail: owner?.[1] ?? null,
        ownerPassword: owner?.[2] ?? null,
        pid: child.pid!,
        stop: () => stopChild(child, exited),
      });
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(killer);
}
