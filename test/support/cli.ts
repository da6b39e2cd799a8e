import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "cli",
  "bin",
  "controlroom.ts",
);

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `controlroom` as a person would, in a child process with no terminal. */
export function controlroom(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function ffmpeg(...args: string[]): CliResult {
  const result = spawnSync("ffmpeg", ["-hide_banner", "-v", "error", "-y", ...args], {
    encoding: "utf8",
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
