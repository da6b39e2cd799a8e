#!/usr/bin/env node
/**
 * npm run bench — mastering beside ffmpeg, in the same run.
 *
 * The song: 3 minutes of 48 kHz stereo, synthesised here once and cached in bench/.work/
 * (a chord progression with bright partials, a kick, bass and hats: something with a
 * loudness range and inter-sample peaks to limit), as a 32-bit float WAV.
 * Ours: `controlroom master song.wav --profile spotify`, then `--profile all` (10 masters).
 * Peer: ffmpeg's two-pass loudnorm to −14 LUFS / −1 dBTP: pass 1 measures
 * (print_format=json), pass 2 applies the measured values (linear=true), writing a 24-bit
 * WAV. All run as child processes under /usr/bin/time. Benchmarks print; they never fail.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openAudioFileWriter } from "../formats/node/open-writer.ts";
import {
  machineLine,
  missingTimer,
  peerVersion,
  type Timed,
  timedProcess,
} from "./timed-process.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORK = path.join(ROOT, "bench", ".work", "master");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 180);
const RATE = 48_000;
const SONG = path.join(WORK, `song-${SECONDS}s.wav`);

async function writeSong(): Promise<void> {
  const marker = `${SONG}.done`;
  if (existsSync(marker)) return;
  await mkdir(WORK, { recursive: true });
  const writer = await openAudioFileWriter(SONG, {
    format: "wav",
    bitDepth: "32f",
    sampleRate: RATE,
    channels: 2,
  });
  const frames = SECONDS * RATE;
  const block = 48_000;
  const left = new Float64Array(block);
  const right = new Float64Array(block);
  const chords = [
    [130.81, 164.81, 196.0],
    [110.0, 130.81, 164.81],
    [87.31, 110.0, 130.81],
    [98.0, 123.47, 146.83],
  ];
  let seed = 1;
  for (let at = 0; at < frames; at += block) {
    const n = Math.min(block, frames - at);
    for (let i = 0; i < n; i++) {
      const t = (at + i) / RATE;
      const bar = Math.floor(t / 2);
      const beat = t % 0.5;
      // Verses quieter than choruses: a loudness range for the meter to see.
      const section = Math.floor(t / 30) % 2 === 0 ? 0.55 : 1;
      // Eight partials a note, and one near 17 kHz for inter-sample peaks: cheap to make.
      let chord = 0;
      for (const f0 of chords[bar % 4]) {
        for (let k = 1; k <= 8; k++) chord += Math.sin(2 * Math.PI * k * f0 * t) / k;
      }
      chord += 0.3 * Math.sin(2 * Math.PI * 17_000 * t) * Math.exp(-beat * 10);
      const kick =
        Math.exp(-beat * 20) * Math.sin(2 * Math.PI * 50 * beat * (1 + 3 * Math.exp(-beat * 30)));
      const bass = 0.3 * Math.sin(2 * Math.PI * (chords[bar % 4][0] / 2) * t);
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const hat = (t % 0.25 < 0.02 ? 0.15 : 0) * (seed / 2 ** 31 - 1);
      const dry = section * (0.12 * chord + 0.6 * kick + bass) + hat;
      left[i] = dry + 0.02 * Math.sin(2 * Math.PI * 0.3 * t) * chord;
      right[i] = dry - 0.02 * Math.sin(2 * Math.PI * 0.3 * t) * chord;
    }
    await writer.write([left, right], 0, n);
  }
  await writer.commit();
  await writeFile(marker, "");
}

const noTimer = missingTimer();
if (noTimer !== null) {
  console.log(`master bench skipped: ${noTimer}`);
  process.exit(0);
}

process.stdout.write(`writing a ${SECONDS} s 48 kHz stereo song (once) … `);
await writeSong();
console.log("done");
const cli = path.join(ROOT, "cli", "bin", "controlroom.ts");
const ffmpegVersion = peerVersion("ffmpeg");
console.log(machineLine());
console.log(`song: ${SECONDS} s, ${RATE} Hz stereo, 32-bit float WAV`);

const outOne = path.join(WORK, "one");
const outAll = path.join(WORK, "all");
await rm(outOne, { recursive: true, force: true });
await rm(outAll, { recursive: true, force: true });
const one = timedProcess(process.execPath, [
  cli,
  "master",
  SONG,
  "--profile",
  "spotify",
  "-o",
  outOne,
  "--json",
]);
const all = timedProcess(process.execPath, [
  cli,
  "master",
  SONG,
  "--profile",
  "all",
  "-o",
  outAll,
  "--json",
]);
const spotify = JSON.parse(one.stdout).masters[0];

const row = (name: string, t: Timed) =>
  `${name.padEnd(34)} ${t.seconds.toFixed(2).padStart(7)} s  peak memory ${t.peakMemoryMiB.toFixed(0).padStart(5)} MiB`;
console.log(row("controlroom master, spotify", one));
console.log(
  `  → ${spotify.loudness.integratedLufs.toFixed(2)} LUFS, ${spotify.loudness.truePeakDbtp.toFixed(2)} dBTP, ${spotify.passes} passes`,
);
console.log(row("controlroom master, all 10 profiles", all));

if (ffmpegVersion === null) {
  console.log(
    "peer: ffmpeg not found on PATH, so only our figures are shown (install ffmpeg for the ratios)",
  );
} else {
  console.log(`peer: ${ffmpegVersion}`);
  const measure = timedProcess("ffmpeg", [
    "-hide_banner",
    "-nostats",
    "-i",
    SONG,
    "-af",
    "loudnorm=I=-14:TP=-1:LRA=11:print_format=json",
    "-f",
    "null",
    "-",
  ]);
  const json = measure.stderr.slice(
    measure.stderr.lastIndexOf("{"),
    measure.stderr.lastIndexOf("}") + 1,
  );
  const m = JSON.parse(json) as Record<string, string>;
  const apply = timedProcess("ffmpeg", [
    "-hide_banner",
    "-v",
    "error",
    "-y",
    "-i",
    SONG,
    "-af",
    `loudnorm=I=-14:TP=-1:LRA=11:measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`,
    "-ar",
    "44100",
    "-c:a",
    "pcm_s24le",
    path.join(WORK, "ffmpeg-loudnorm.wav"),
  ]);
  const ffmpegSeconds = measure.seconds + apply.seconds;
  console.log(
    `${"ffmpeg loudnorm, two passes".padEnd(34)} ${ffmpegSeconds.toFixed(2).padStart(7)} s  (measure ${measure.seconds.toFixed(2)} s + apply ${apply.seconds.toFixed(2)} s)`,
  );
  console.log(
    `ratio: one profile takes ${(one.seconds / ffmpegSeconds).toFixed(2)}× ffmpeg's two passes (target < 1)`,
  );
  console.log(
    `ratio: all 10 profiles take ${(all.seconds / ffmpegSeconds).toFixed(2)}× ffmpeg's one-profile time (target < 3)`,
  );
}
