#!/usr/bin/env node
/**
 * npm run bench — measuring a room (issue 14): the full analysis of a 48 kHz measurement,
 * deconvolution of a 10 s sweep's recording and then six octave bands with every parameter
 * (EDT, T20, T30 with Lundeby, C50, C80) and broadband, beside the same analysis in NumPy and
 * SciPy (bench/acoustics_peer.py) in the same run.
 *
 * Two views of each: the analysis alone, the files already in memory (each side times itself,
 * the median of RUNS), and the whole command as a user runs it, start-up and file reading
 * included (`controlroom ir analyze … --json` against `python3 acoustics_peer.py`, under
 * /usr/bin/time, taking turns). The recording is the sweep through a synthetic room (0.9 s at
 * 125 Hz down to 0.45 s at 4 kHz) with noise 70 dB down, cached in bench/.work/acoustics.
 * Benchmarks print; they never fail.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { OCTAVE_BANDS_HZ } from "../acoustics/bands.ts";
import { measureRoom } from "../acoustics/measurement/measure-room.ts";
import { exactMidband } from "../acoustics/measurement/octave-filters.ts";
import {
  inverseRealSpectrum,
  powerOfTwoAtLeast,
  realSpectrum,
} from "../acoustics/measurement/real-fft.ts";
import { exponentialSweep } from "../acoustics/measurement/sweep.ts";
import { gaussian } from "../acoustics/measurement/test-signals.ts";
import { readMeasurementAudio, writeSweepFile } from "../acoustics/node/room-files.ts";
import { WavFileWriter } from "../formats/node/wav-file.ts";
import { machineLine, missingTimer, type Timed, timedProcess } from "./timed-process.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORK = path.join(ROOT, "bench", ".work", "acoustics");
const SWEEP = path.join(WORK, "sweep.wav");
const RECORDING = path.join(WORK, "recording.wav");
const PEER = path.join(ROOT, "bench", "acoustics_peer.py");
const CLI = path.join(ROOT, "cli", "bin", "controlroom.ts");
const RATE = 48_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RT60 = [0.9, 0.8, 0.7, 0.6, 0.5, 0.45];

/** A room: per-octave noise decays, 10 ms of latency, noise 70 dB under the direct sound. */
function syntheticRoom(seconds: number): Float64Array {
  const frames = Math.round(seconds * RATE);
  const size = powerOfTwoAtLeast(frames);
  const room = new Float64Array(frames);
  const latency = Math.round(0.01 * RATE);
  OCTAVE_BANDS_HZ.forEach((hz, b) => {
    const noise = Float64Array.from({ length: frames }, gaussian(200 + b));
    const spectrum = realSpectrum(noise, size);
    const mid = exactMidband(hz);
    for (let k = 0; k <= size / 2; k++) {
      const f = (k * RATE) / size;
      if (f < mid * 10 ** -0.15 || f > mid * 10 ** 0.15) spectrum[2 * k] = spectrum[2 * k + 1] = 0;
    }
    const band = inverseRealSpectrum(spectrum, size);
    const decay = (3 * Math.LN10) / RT60[b];
    for (let n = latency; n < frames; n++) {
      room[n] += band[n - latency] * Math.exp((-decay * (n - latency)) / RATE);
    }
  });
  return room;
}

async function writeMeasurement(): Promise<void> {
  if (existsSync(SWEEP) && existsSync(RECORDING)) return;
  await mkdir(WORK, { recursive: true });
  process.stdout.write("generating a 10 s sweep and its recording in a synthetic room … ");
  const sweep = exponentialSweep({
    sampleRate: RATE,
    seconds: 10,
    fromHz: 20,
    toHz: 20_000,
    silenceSeconds: 3,
  });
  await writeSweepFile(SWEEP, sweep);
  const room = syntheticRoom(2);
  const size = powerOfTwoAtLeast(sweep.samples.length + room.length);
  const S = realSpectrum(sweep.samples, size);
  const R = realSpectrum(room, size);
  const C = new Float64Array(size + 2);
  for (let k = 0; k <= size / 2; k++) {
    C[2 * k] = S[2 * k] * R[2 * k] - S[2 * k + 1] * R[2 * k + 1];
    C[2 * k + 1] = S[2 * k] * R[2 * k + 1] + S[2 * k + 1] * R[2 * k];
  }
  const recording = inverseRealSpectrum(C, size).slice(0, sweep.samples.length);
  let peak = 0;
  for (const v of recording) peak = Math.max(peak, Math.abs(v));
  const noise = gaussian(99);
  const gain = 0.5 / peak;
  for (let i = 0; i < recording.length; i++)
    recording[i] = recording[i] * gain + 0.5 * 10 ** (-70 / 20) * noise();
  const writer = WavFileWriter.open(RECORDING, {
    channels: 1,
    sampleRate: RATE,
    encoding: "int",
    bitsPerSample: 24,
    seed: 2,
  });
  writer.write([recording], 0, recording.length);
  await writer.commit();
  process.stdout.write("done\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// One thread each, as ours runs: NumPy's FFT is single-threaded, and so is BLAS (polyfit) then.
process.env.OPENBLAS_NUM_THREADS ??= "1";
process.env.OMP_NUM_THREADS ??= "1";
const noTimer = missingTimer();
const python = spawnSync("python3", ["-c", "import numpy, scipy"]).status === 0;
if (!python) {
  console.log(
    "acoustics benchmark skipped: python3 with NumPy and SciPy is missing (apt-get install python3-numpy python3-scipy)",
  );
} else {
  await writeMeasurement();
  const recording = await readMeasurementAudio(RECORDING);
  const sweep = await readMeasurementAudio(SWEEP);
  const lengthSeconds = recording.samples.length / RATE;
  const options = {
    fromHz: 20,
    toHz: 20_000,
    recordingName: "recording.wav",
    sweepName: "sweep.wav",
  };

  // Analysis alone, in memory, taking turns with the peer so that a busy moment on this shared
  // machine falls on both, and each side warm the same way: per turn, the second of two runs
  // of ours and the second of two runs in a fresh python3. Wall and CPU time.
  const ourWall: number[] = [];
  const ourCpu: number[] = [];
  const peerWall: number[] = [];
  const peerCpu: number[] = [];
  let ourResult = measureRoom(recording, sweep, options);
  let peer: {
    seconds: number;
    cpuSeconds: number;
    bands: Record<string, { t30: number | null }>;
  } | null = null;
  for (let r = 0; r < RUNS; r++) {
    measureRoom(recording, sweep, options);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    ourResult = measureRoom(recording, sweep, options);
    ourWall.push((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuBefore);
    ourCpu.push((cpu.user + cpu.system) / 1e6);
    const run = spawnSync("python3", [PEER, RECORDING, SWEEP, "2"], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    if (run.status !== 0) throw new Error(`acoustics_peer.py failed:\n${run.stderr}`);
    peer = JSON.parse(run.stdout);
    peerWall.push(peer!.seconds);
    peerCpu.push(peer!.cpuSeconds);
  }
  const ours = median(ourWall);
  const theirs = median(peerWall);

  console.log("");
  console.log(machineLine());
  console.log(
    `measurement: ${lengthSeconds.toFixed(1)} s recording of a 10 s sweep at ${RATE} Hz, 6 octave bands + broadband`,
  );
  console.log("");
  console.log(`analysis alone (files in memory), median of ${RUNS} turns`);
  console.log(
    `  ours (TypeScript, fft.js)     ${ours.toFixed(3)} s wall, ${median(ourCpu).toFixed(3)} s CPU   ${(lengthSeconds / ours).toFixed(0)}× real time`,
  );
  console.log(
    `  NumPy/SciPy                   ${theirs.toFixed(3)} s wall, ${median(peerCpu).toFixed(3)} s CPU   ${(lengthSeconds / theirs).toFixed(0)}× real time`,
  );
  console.log(
    `  ours / theirs                 ${(ours / theirs).toFixed(2)}× wall, ${(median(ourCpu) / median(peerCpu)).toFixed(2)}× CPU (below 1: we are faster)`,
  );
  console.log(`  runs, ours:   ${ourWall.map((t) => t.toFixed(3)).join(" ")}`);
  console.log(`  runs, theirs: ${peerWall.map((t) => t.toFixed(3)).join(" ")}`);

  if (noTimer) console.log(`\nwhole commands skipped: ${noTimer}`);
  else {
    const runs: { ours: Timed[]; theirs: Timed[] } = { ours: [], theirs: [] };
    for (let r = 0; r < RUNS; r++) {
      runs.ours.push(
        timedProcess(process.execPath, [
          CLI,
          "ir",
          "analyze",
          RECORDING,
          "--sweep",
          SWEEP,
          "--json",
        ]),
      );
      runs.theirs.push(timedProcess("python3", [PEER, RECORDING, SWEEP, "1"]));
    }
    const o = median(runs.ours.map((x) => x.seconds));
    const t = median(runs.theirs.map((x) => x.seconds));
    console.log("");
    console.log("whole command (start-up, reading the files, analysis), median of", RUNS);
    console.log(
      `  controlroom ir analyze --json ${o.toFixed(2)} s   ${(lengthSeconds / o).toFixed(0)}× real time   peak memory ${Math.max(...runs.ours.map((x) => x.peakMemoryMiB)).toFixed(0)} MiB`,
    );
    console.log(
      `  python3 acoustics_peer.py     ${t.toFixed(2)} s   ${(lengthSeconds / t).toFixed(0)}× real time   peak memory ${Math.max(...runs.theirs.map((x) => x.peakMemoryMiB)).toFixed(0)} MiB`,
    );
    console.log(`  ours / theirs                 ${(o / t).toFixed(2)}×`);
  }

  console.log("");
  console.log("T30 per band (synthetic room; ours | SciPy | built in)");
  ourResult.parameters.bands.forEach((band, b) => {
    const theirs = peer?.bands[String(band.band)]?.t30;
    console.log(
      `  ${String(band.band).padStart(5)} Hz   ${band.t30.seconds?.toFixed(3) ?? "n/a"} s | ${theirs?.toFixed(3) ?? "n/a"} s | ${RT60[b].toFixed(2)} s`,
    );
  });
}
