import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * Builds the web studio into web/dist when the build is missing or older than its sources
 * (web/ itself and the pure libraries it bundles), so `npm start` always serves the pages
 * of the checkout. Run as a script, or call `buildWebIfStale()` (the browser tests do).
 */
const WEB = import.meta.dirname;
const ROOT = path.dirname(WEB);
export const WEB_DIST = path.join(WEB, "dist");
// The audio thread bundles the engine (and the instruments it plays), the page the WAV codec.
const SOURCES = [
  WEB,
  path.join(ROOT, "music"),
  path.join(ROOT, "accounts", "roles.ts"),
  path.join(ROOT, "engine"),
  path.join(ROOT, "instruments"),
  path.join(ROOT, "formats", "wav"),
];
const SKIPPED = new Set(["dist", "node_modules"]);

async function newestChange(entry: string): Promise<number> {
  const info = await stat(entry).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return /\.test\.ts$/.test(entry) ? 0 : info.mtimeMs;
  let newest = 0;
  for (const child of await readdir(entry)) {
    if (SKIPPED.has(child)) continue;
    newest = Math.max(newest, await newestChange(path.join(entry, child)));
  }
  return newest;
}

/** Whether web/dist is missing or older than a source it is built from. */
export async function webBuildIsStale(): Promise<boolean> {
  const built = await stat(path.join(WEB_DIST, "index.html")).catch(() => undefined);
  if (!built) return true;
  let newest = 0;
  for (const source of SOURCES) newest = Math.max(newest, await newestChange(source));
  return newest > built.mtimeMs;
}

/**
 * Builds the app with Vite when it is stale; true when it built. Vite runs in a process of
 * its own with NODE_ENV=production, so a caller's environment (vitest sets NODE_ENV=test)
 * never turns the studio's build into React's development build.
 */
export async function buildWebIfStale(options: { quiet?: boolean } = {}): Promise<boolean> {
  if (!(await webBuildIsStale())) return false;
  const vite = path.join(
    path.dirname(createRequire(import.meta.url).resolve("vite/package.json")),
    "bin",
    "vite.js",
  );
  const args = [vite, "build", "--config", path.join(WEB, "vite.config.ts")];
  if (options.quiet) args.push("--logLevel", "warn");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "inherit",
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`building the web studio failed (vite exited with ${code})`);
  return true;
}

if (import.meta.main) {
  await buildWebIfStale();
}
