#!/usr/bin/env node
/**
 * npm run bench — our loudness analysis beside ffmpeg's ebur128 on the same files, in the same run.
 *
 * The acceptance point (issue 3): integrated loudness, loudness range and true peak together
 * of a 10-minute 48 kHz stereo file, against `ffmpeg -af ebur128=peak=true`. A 2.5-minute
 * file of the same material shows whether memory grows with the file's length. Both files
 * are 24-bit WAV, generated here once and cached in bench/.work/. Both analyses run as
 * child processes under /usr/bin/time: ours is `controlroom loudness <file> --json`, the
 * command a user runs. Benchmarks print; they never fail.
 */
import { createReadStream, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openAudioFileWriter } from "../formats/node/open-writer.ts";
import {
  machineLine,
  missingTimer,
  peerVersion,
  ratio,
  type Timed,
  timedProcess,
} from "./timed-process.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORK = path.join(ROOT, "bench", ".work", "loudness");
const RATE = 48_000;
const LENGTHS_SECONDS = [150, 600];
/** Each analysis runs this many times; the median time and the highest memory are shown. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/**
 * Section levels in dB, 7.5 s each: a 75 s cycle, so that 2.5 and 10 minutes hold whole
 * cycles and the same loudness, and a loudness range that is not zero.
 */
const SECTIONS_DB = [-15, -9, -6, -3, -6, -12, -6, -3, 0, -3];
const SECTION_SECONDS = 7.5;
const BEAT_SECONDS = 0.5;

function fileFor(seconds: number): string {
  return path.join(WORK, `music-${seconds}s.wav`);
}

/**
 * Music-like material, the same prefix in every file: a decaying 55 Hz kick on each beat,
 * off-beat noise bursts, a detuned pad and decorrelated stereo noise, under a section
 * envelope that glides between levels.
 */
async function writeMaterial(): Promise<void> {
  const marker = path.join(WORK, `material-${LENGTHS_SECONDS.join("-")}.done`);
  if (existsSync(marker)) return;
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const longest = Math.max(...LENGTHS_SECONDS);
  process.stdout.write(`generating ${LENGTHS_SECONDS.join(" s and ")} s of stereo 24-bit WAV … `);
  const writers = await Promise.all(
    LENGTHS_SECONDS.map((seconds) =>
      openAudioFileWriter(fileFor(seconds), {
        format: "wav",
        bitDepth: 24,
        sampleRate: RATE,
        channels: 2,
      }),
    ),
  );
  const frames = longest * RATE;
  const block = 65_536;
  const left = new Float64Array(block);
  const right = new Float64Array(block);
  let seed = 0x5eed;
  let gain = 0;
  // A 50 ms glide between section levels, as a fader ride would.
  const glide = 1 - Math.exp(-1 / (0.05 * RATE));
  for (let at = 0; at < frames; at += block) {
    const n = Math.min(block, frames - at);
    for (let i = 0; i < n; i++) {
      const frame = at + i;
      const time = frame / RATE;
      const section = Math.floor(time / SECTION_SECONDS) % SECTIONS_DB.length;
      gain += (10 ** (SECTIONS_DB[section]! / 20) - gain) * glide;
      const beat = (time % BEAT_SECONDS) / BEAT_SECONDS;
      const offBeat = (beat + 0.5) % 1;
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const white = seed / 4294967296 - 0.5;
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const side = seed / 4294967296 - 0.5;
      const kick = Math.sin(2 * Math.PI * 55 * time) * Math.exp(-beat * 12);
      const hat = white * Math.exp(-offBeat * 40);
      const padLeft = Math.sin(2 * Math.PI * 220 * time) + Math.sin(2 * Math.PI * 277.2 * time);
      const padRight = Math.sin(2 * Math.PI * 220.5 * time) + Math.sin(2 * Math.PI * 329.6 * time);
      left[i] = gain * (0.45 * kick + 0.5 * hat + 0.1 * padLeft + 0.12 * (white + side));
      right[i] = gain * (0.45 * kick + 0.5 * hat + 0.1 * padRight + 0.12 * (white - side));
    }
    for (const [w, writer] of writers.entries()) {
      const end = LENGTHS_SECONDS[w]! * RATE;
      if (at < end) await writer.write([left, right], 0, Math.min(n, end - at));
    }
  }
  await Promise.all(writers.map((writer) => writer.commit()));
  await writeFile(marker, "");
  process.stdout.write("done\n");
}

interface Loudness {
  integratedLufs: number | null;
  loudnessRangeLu: number | null;
  truePeakDbtp: number | null;
}

interface Measured extends Loudness {
  timed: Timed;
  runs: number[];
}

/** Reads the file once so that neither contender pays for the disk. */
async function warmPageCache(file: string): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 22 }));
}

interface Contender {
  command: string;
  args: string[];
  parse: (run: Timed) => Loudness;
}

const CLI = path.join(ROOT, "cli", "bin", "controlroom.ts");

function ours(file: string): Contender {
  return {
    command: process.execPath,
    args: [CLI, "loudness", file, "--json"],
    parse: (run) => (JSON.parse(run.stdout).files as Loudness[])[0]!,
  };
}

/** ffmpeg's ebur128 summary: I, LRA, and with peak=true the true peak (printed as dBFS). */
function ffmpeg(file: string): Contender {
  return {
    command: "ffmpeg",
    args: ["-nostats", "-hide_banner", "-i", file, "-af", "ebur128=peak=true", "-f", "null", "-"],
    parse: (run) => {
      const summary = run.stderr.slice(run.stderr.lastIndexOf("Summary:"));
      const value = (pattern: RegExp) => {
        const match = summary.match(pattern)?.[1];
        if (match === undefined) throw new Error(`ffmpeg's summary has no ${pattern}:\n${summary}`);
        return match === "-inf" ? null : Number(match);
      };
      return {
        integratedLufs: value(/\bI:\s+(\S+) LUFS/),
        loudnessRangeLu: value(/\bLRA:\s+(\S+) LU/),
        truePeakDbtp: value(/True peak:\s+Peak:\s+(\S+) dBFS/),
      };
    },
  };
}

/**
 * Runs the contenders RUNS times, taking turns so that a busy moment on the machine falls on
 * both: the median wall time, the highest peak memory and the last run's figures of each.
 */
function measure(contenders: Contender[]): Measured[] {
  const runs: Timed[][] = contenders.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    for (const [i, c] of contenders.entries()) runs[i]!.push(timedProcess(c.command, c.args));
  }
  return contenders.map((c, i) => {
    const mine = runs[i]!;
    const seconds = mine.map((t) => t.seconds).sort((a, b) => a - b);
    const last = mine.at(-1)!;
    return {
      ...c.parse(last),
      timed: {
        ...last,
        seconds: seconds[Math.floor(seconds.length / 2)]!,
        peakMemoryMiB: Math.max(...mine.map((t) => t.peakMemoryMiB)),
      },
      runs: mine.map((t) => t.seconds),
    };
  });
}

const fixed = (value: number | null, digits: number) =>
  value === null ? "-inf" : value.toFixed(digits);

function row(label: string, seconds: number, m: Measured): string {
  const t = m.timed;
  return [
    label.padEnd(22),
    `${t.seconds.toFixed(2).padStart(6)} s`,
    `${(seconds / t.seconds).toFixed(0).padStart(5)}× realtime`,
    `peak memory ${t.peakMemoryMiB.toFixed(0).padStart(4)} MiB`,
    `I ${fixed(m.integratedLufs, 1).padStart(6)} LUFS`,
    `LRA ${fixed(m.loudnessRangeLu, 1).padStart(4)} LU`,
    `TP ${fixed(m.truePeakDbtp, 1).padStart(5)} dBTP`,
    `  runs ${m.runs.map((s) => s.toFixed(2)).join(" ")}`,
  ].join("  ");
}

const noTimer = missingTimer();
if (noTimer !== null) {
  console.log(`loudness bench skipped: ${noTimer}`);
  process.exit(0);
}

await writeMaterial();
const ffmpegVersion = peerVersion("ffmpeg");
console.log(machineLine());
console.log(
  `loudness: I, LRA and true peak of 48 kHz stereo 24-bit WAV, music-like, ` +
    `${LENGTHS_SECONDS.map((s) => `${s / 60} min`).join(" and ")}; median of ${RUNS} runs`,
);
console.log(
  ffmpegVersion === null
    ? "peer: ffmpeg not found on PATH, so only our figures are shown (install ffmpeg for the ratio)"
    : `peer: ${ffmpegVersion}, -af ebur128=peak=true`,
);
const results: { seconds: number; ours: Measured; ffmpeg: Measured | null }[] = [];
for (const seconds of LENGTHS_SECONDS) {
  const file = fileFor(seconds);
  await warmPageCache(file);
  const [mine, theirs = null] = measure(
    ffmpegVersion === null ? [ours(file)] : [ours(file), ffmpeg(file)],
  );
  results.push({ seconds, ours: mine!, ffmpeg: theirs });
  const minutes = `${seconds / 60} min`;
  console.log(row(`${minutes} controlroom`, seconds, mine!));
  if (theirs !== null) console.log(row(`${minutes} ffmpeg`, seconds, theirs));
}
// Loading the command (node, TypeScript stripping, every module) is in each controlroom row.
const startup = timedProcess(process.execPath, [CLI, "--help"]);
console.log(
  `of which startup: controlroom --help takes ${startup.seconds.toFixed(2)} s, peak memory ${startup.peakMemoryMiB.toFixed(0)} MiB`,
);
const shortest = results[0]!;
const longest = results.at(-1)!;
for (const { seconds, ours: mine, ffmpeg: theirs } of results) {
  if (theirs === null) continue;
  console.log(
    `ratio at ${seconds / 60} min: controlroom takes ${ratio(mine.timed, theirs.timed)} ffmpeg's wall time (target < 1)`,
  );
}
const growth = (pick: (r: (typeof results)[number]) => Measured | null) => {
  const a = pick(shortest);
  const b = pick(longest);
  return a === null || b === null
    ? "n/a"
    : `${a.timed.peakMemoryMiB.toFixed(0)} → ${b.timed.peakMemoryMiB.toFixed(0)} MiB`;
};
console.log(
  `memory from ${shortest.seconds / 60} to ${longest.seconds / 60} min (target: flat): ` +
    `controlroom ${growth((r) => r.ours)}, ffmpeg ${growth((r) => r.ffmpeg)}`,
);
