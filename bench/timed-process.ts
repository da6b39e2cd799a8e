/**
 * Runs a benchmark's contenders the same way: each as a child process under /usr/bin/time,
 * which reports wall time and peak resident memory (maxRSS) alike for node and for ffmpeg.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";

export interface Timed {
  seconds: number;
  peakMemoryMiB: number;
  stdout: string;
  /** The command's own stderr, without /usr/bin/time's line. */
  stderr: string;
}

const TIME = "/usr/bin/time";

/** Why the benchmarks cannot run here, or null when they can. */
export function missingTimer(): string | null {
  return existsSync(TIME) ? null : `${TIME} not found (Debian/Ubuntu: apt-get install time)`;
}

/** The first line of `command -version`, or null when the command is not installed. */
export function peerVersion(command: string): string | null {
  const result = spawnSync(command, ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) return null;
  return result.stdout.split("\n")[0] ?? command;
}

export function timedProcess(command: string, args: string[]): Timed {
  const result = spawnSync(TIME, ["-f", "%e %M", command, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) {
    throw new Error(`${command} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  }
  const lines = result.stderr.trimEnd().split("\n");
  const [seconds, kib] = lines.pop()!.split(" ").map(Number);
  return {
    seconds: seconds!,
    peakMemoryMiB: kib! / 1024,
    stdout: result.stdout,
    stderr: lines.join("\n"),
  };
}

export function machineLine(): string {
  return `machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown cpu"}, node ${process.version}`;
}

/** Ours over theirs: below 1 means we are faster. */
export function ratio(ours: Timed, theirs: Timed): string {
  return `${(ours.seconds / theirs.seconds).toFixed(2)}×`;
}
