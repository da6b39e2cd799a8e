#!/usr/bin/env node
/**
 * npm run bench — our render beside ffmpeg's on the same scene, in the same run.
 *
 * The scene (issue 2): 16 stereo tracks of 180 s at 48 kHz (24-bit WAV, generated here
 * once and cached in bench/.work/), each through HPF, 4 peaking EQ bands, compressor,
 * fader and pan, summed into a master with a look-ahead limiter, rendered to 32-bit float WAV.
 * ffmpeg runs the equivalent graph: highpass, 4 × equalizer, acompressor, volume, pan,
 * amix=normalize=0, alimiter. Both run as child processes under /usr/bin/time, which
 * reports wall time and peak resident memory. Benchmarks print; they never fail.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LevelMeter } from "../analysis/levels.ts";
import { openAudioFileWriter } from "../formats/node/open-writer.ts";
import { saveProjectFolder } from "../formats/node/project-folder.ts";
import { WavFileReader } from "../formats/node/wav-file.ts";
import { type AudioSource, Project, SCHEMA_VERSION } from "../music/project.ts";
import { neutralStrip } from "../music/strip.ts";
import {
  machineLine,
  missingTimer,
  peerVersion,
  ratio,
  type Timed,
  timedProcess,
} from "./timed-process.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORK = path.join(ROOT, "bench", ".work", "render");
const TRACKS = Number(process.env.BENCH_TRACKS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 180);
const RATE = 48_000;

interface TrackSettings {
  hpf: number;
  eq: { f: number; g: number; q: number }[];
  faderDb: number;
  pan: number;
}

const COMP = { thresholdDb: -20, ratio: 4, kneeDb: 6, attackMs: 10, releaseMs: 100, makeupDb: 2 };
const LIMIT = { ceilingDb: -1, lookaheadMs: 5, releaseMs: 50 };

function settings(i: number): TrackSettings {
  return {
    hpf: 40 + 5 * i,
    eq: [
      { f: 100, g: 2, q: 1 },
      { f: 400 + 20 * i, g: -3, q: 1.4 },
      { f: 2500, g: 2, q: 0.9 },
      { f: 8000, g: 1.5, q: 0.7 },
    ],
    faderDb: -12,
    pan: TRACKS === 1 ? 0 : ((2 * i) / (TRACKS - 1) - 1) * 0.8,
  };
}

/** Panning as the −3 dB constant-power law computes it, for ffmpeg's pan filter. */
function panGains(pan: number): [number, number] {
  const theta = ((pan + 1) * Math.PI) / 4;
  return [Math.cos(theta), Math.sin(theta)];
}

async function writeScene(): Promise<void> {
  const marker = path.join(WORK, `scene-${TRACKS}x${SECONDS}.done`);
  if (existsSync(marker)) return;
  await rm(WORK, { recursive: true, force: true });
  await mkdir(path.join(WORK, "audio"), { recursive: true });
  const frames = SECONDS * RATE;
  const sources: AudioSource[] = [];
  process.stdout.write(`generating ${TRACKS} × ${SECONDS} s stereo 24-bit WAVs `);
  for (let t = 0; t < TRACKS; t++) {
    const file = `audio/track-${String(t + 1).padStart(2, "0")}.wav`;
    const writer = await openAudioFileWriter(path.join(WORK, file), {
      format: "wav",
      bitDepth: 24,
      sampleRate: RATE,
      channels: 2,
    });
    const block = 65_536;
    const left = new Float64Array(block);
    const right = new Float64Array(block);
    let seed = 12345 + t * 7919;
    for (let at = 0; at < frames; at += block) {
      const n = Math.min(block, frames - at);
      for (let i = 0; i < n; i++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        const white = seed / 4294967296 - 0.5;
        const time = (at + i) / RATE;
        const beat = (time * 2) % 1;
        const tone = Math.sin(2 * Math.PI * (55 * (t + 1)) * time) * Math.exp(-beat * 6);
        left[i] = 0.4 * tone + 0.25 * white;
        right[i] = 0.4 * tone - 0.2 * white;
      }
      await writer.write([left, right], 0, n);
    }
    await writer.commit();
    sources.push({ id: `s${t + 1}`, file, sampleRate: RATE, channels: 2, frames });
    process.stdout.write(".");
  }
  process.stdout.write("\n");

  const project = Project.parse({
    schemaVersion: SCHEMA_VERSION,
    song: { title: "Render benchmark", sampleRate: RATE },
    sources,
    tracks: sources.map((source, i) => {
      const s = settings(i);
      return {
        id: `t${i + 1}`,
        name: `Track ${i + 1}`,
        kind: "audio",
        clips: [{ id: `c${i + 1}`, sourceId: source.id, startTick: 0, lengthFrames: frames }],
        strip: {
          ...neutralStrip(),
          highPass: { enabled: true, frequency: s.hpf, slope: 12 },
          eq: s.eq.map((b) => ({
            type: "peak",
            enabled: true,
            frequency: b.f,
            gainDb: b.g,
            q: b.q,
          })),
          compressor: { enabled: true, ...COMP, detection: "peak", sidechainTrackId: null },
          faderDb: s.faderDb,
          pan: s.pan,
          panLaw: "-3dB",
        },
      };
    }),
    master: { strip: { ...neutralStrip(), panLaw: "0dB" }, limiter: { enabled: true, ...LIMIT } },
  });
  await saveProjectFolder(WORK, project);
  await writeFile(marker, "");
}

function ffmpegArguments(output: string): string[] {
  const inputs: string[] = [];
  const chains: string[] = [];
  for (let i = 0; i < TRACKS; i++) {
    inputs.push("-i", path.join(WORK, "audio", `track-${String(i + 1).padStart(2, "0")}.wav`));
    const s = settings(i);
    const [gl, gr] = panGains(s.pan);
    const eq = s.eq.map((b) => `equalizer=f=${b.f}:t=q:w=${b.q}:g=${b.g}`).join(",");
    chains.push(
      `[${i}:a]highpass=f=${s.hpf}:p=2,${eq},` +
        `acompressor=threshold=${10 ** (COMP.thresholdDb / 20)}:ratio=${COMP.ratio}:attack=${COMP.attackMs}:release=${COMP.releaseMs}:` +
        `makeup=${10 ** (COMP.makeupDb / 20)}:knee=${10 ** (COMP.kneeDb / 20)}:detection=peak:link=maximum,` +
        `volume=${s.faderDb}dB,pan=stereo|c0=${gl}*c0|c1=${gr}*c1[a${i}]`,
    );
  }
  const mix =
    `${Array.from({ length: TRACKS }, (_, i) => `[a${i}]`).join("")}amix=inputs=${TRACKS}:normalize=0,` +
    `alimiter=limit=${10 ** (LIMIT.ceilingDb / 20)}:attack=${LIMIT.lookaheadMs}:release=${LIMIT.releaseMs}:level=disabled[out]`;
  return [
    "-hide_banner",
    "-v",
    "error",
    "-y",
    ...inputs,
    "-filter_complex",
    [...chains, mix].join(";"),
    "-map",
    "[out]",
    "-c:a",
    "pcm_f32le",
    output,
  ];
}

/** RMS of a rendered file, to show both renders did comparable work. */
function rmsDb(file: string): number {
  const reader = WavFileReader.open(file);
  const meter = new LevelMeter(reader.info.channels);
  const block = 65_536;
  const buffers = Array.from({ length: reader.info.channels }, () => new Float64Array(block));
  for (let at = 0; at < reader.info.frames; at += block) {
    const n = Math.min(block, reader.info.frames - at);
    reader.readFrames(at, n, buffers, 0);
    meter.add(buffers, 0, n);
  }
  reader.close();
  return meter.levels().overallRmsDb;
}

const noTimer = missingTimer();
if (noTimer !== null) {
  console.log(`render bench skipped: ${noTimer}`);
  process.exit(0);
}

await writeScene();
const node = process.execPath;
const ours = path.join(WORK, "ours.wav");
const theirs = path.join(WORK, "ffmpeg.wav");
const cli = path.join(ROOT, "cli", "bin", "controlroom.ts");
const ffmpegVersion = peerVersion("ffmpeg");

console.log(machineLine());
console.log(`scene: ${TRACKS} stereo tracks × ${SECONDS} s at ${RATE} Hz → 32-bit float WAV`);
console.log(
  ffmpegVersion === null
    ? "peer: ffmpeg not found on PATH, so only our figures are shown (install ffmpeg for the ratio)"
    : `peer: ${ffmpegVersion}`,
);
const ffmpeg = ffmpegVersion === null ? null : timedProcess("ffmpeg", ffmpegArguments(theirs));
const controlroom = timedProcess(node, [
  cli,
  "render",
  WORK,
  "-o",
  ours,
  "--bit-depth",
  "32f",
  "--json",
]);
const row = (name: string, t: Timed) =>
  `${name.padEnd(12)} ${t.seconds.toFixed(2).padStart(7)} s  ${(SECONDS / t.seconds).toFixed(1).padStart(6)}× realtime  peak memory ${t.peakMemoryMiB.toFixed(0).padStart(5)} MiB`;
console.log(row("controlroom", controlroom));
if (ffmpeg !== null) {
  console.log(row("ffmpeg", ffmpeg));
  console.log(
    `same work: RMS of the mix ${rmsDb(ours).toFixed(2)} dBFS (controlroom), ${rmsDb(theirs).toFixed(2)} dBFS (ffmpeg)`,
  );
  console.log(
    `ratio: controlroom takes ${ratio(controlroom, ffmpeg)} ffmpeg's wall time (target < 1, memory < 1024 MiB)`,
  );
}
