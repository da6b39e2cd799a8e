#!/usr/bin/env node
/**
 * Writes the demo song: five synthesised instruments in audio/ and a project.json that
 * mixes them through two buses, a sidechained bass, automation and a crossfade.
 * Usage: node examples/demo-song/generate.ts [folder]   (default: this folder)
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openAudioFileWriter } from "../../formats/node/open-writer.ts";
import { saveProjectFolder } from "../../formats/node/project-folder.ts";
import { type AudioSource, Project, SCHEMA_VERSION } from "../../music/project.ts";
import { neutralStrip } from "../../music/strip.ts";
import { PPQ } from "../../music/tempo-map.ts";
import {
  BARS,
  BEATS_PER_BAR,
  BPM,
  bass,
  CHORD_SYMBOLS,
  CHORDS,
  hats,
  kick,
  pad,
  snare,
} from "./synth.ts";

const BAR = BEATS_PER_BAR * PPQ;

export async function generateDemoSong(dir: string): Promise<Project> {
  await mkdir(path.join(dir, "audio"), { recursive: true });
  const sources: AudioSource[] = [];
  const write = async (id: string, rate: number, channels: Float64Array[]) => {
    const file = `audio/${id}.wav`;
    const writer = await openAudioFileWriter(path.join(dir, file), {
      format: "wav",
      bitDepth: 24,
      sampleRate: rate,
      channels: channels.length,
    });
    await writer.write(channels, 0, channels[0].length);
    await writer.commit();
    sources.push({
      id,
      file,
      sampleRate: rate,
      channels: channels.length,
      frames: channels[0].length,
    });
  };
  await write("kick", 48_000, kick(48_000));
  await write("snare", 48_000, snare(48_000));
  // The hats were "recorded" at 44.1 kHz: the engine resamples them to the project rate.
  await write("hats", 44_100, hats(44_100));
  await write("bass", 48_000, bass(48_000));
  await write("pad", 48_000, pad(48_000));

  const source = (id: string) => sources.find((s) => s.id === id)!;
  const wholeClip = (id: string) => ({
    id: `${id}-1`,
    sourceId: id,
    startTick: 0,
    lengthFrames: source(id).frames,
  });
  const strip = (settings: Record<string, unknown>) => ({ ...neutralStrip(), ...settings });
  const eq = (bands: Record<number, Record<string, unknown>>) =>
    neutralStrip().eq.map((band, i) => ({ ...band, ...(bands[i] ?? {}) }));
  const half = 24_000; // half a second at 48 kHz: the pad crossfade
  const padSplit = 8 * 4 * 24_000; // bar 9 at 120 BPM, in pad frames

  const project = Project.parse({
    schemaVersion: SCHEMA_VERSION,
    song: { title: "Control Room Demo", artist: "Control Room", sampleRate: 48_000 },
    tempo: {
      changes: [{ tick: 0, bpm: BPM }],
      timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    },
    sections: [
      { id: "intro", name: "Intro", startTick: 0, lengthTicks: 4 * BAR, colour: "#7f8c8d" },
      { id: "verse", name: "Verse", startTick: 4 * BAR, lengthTicks: 8 * BAR, colour: "#2e86de" },
      {
        id: "chorus",
        name: "Chorus",
        startTick: 12 * BAR,
        lengthTicks: (BARS - 12) * BAR,
        colour: "#e67e22",
      },
    ],
    chords: Array.from({ length: BARS }, (_, bar) => ({
      tick: bar * BAR,
      symbol: CHORD_SYMBOLS[bar % CHORD_SYMBOLS.length],
    })),
    sources,
    tracks: [
      {
        id: "kick",
        name: "Kick",
        kind: "audio",
        output: "drums",
        clips: [wholeClip("kick")],
        strip: strip({
          highPass: { enabled: true, frequency: 30, slope: 24 },
          eq: eq({ 0: { enabled: true, frequency: 60, gainDb: 2 } }),
          sends: [{ id: "kick-crush", busId: "crush", levelDb: -4 }],
        }),
      },
      {
        id: "snare",
        name: "Snare",
        kind: "audio",
        output: "drums",
        clips: [wholeClip("snare")],
        strip: strip({
          highPass: { enabled: true, frequency: 100, slope: 12 },
          eq: eq({ 1: { enabled: true, frequency: 200, gainDb: 3, q: 1.4 } }),
          faderDb: -2,
          sends: [{ id: "snare-crush", busId: "crush", levelDb: -6, preFader: true }],
        }),
      },
      {
        id: "hats",
        name: "Hats",
        kind: "audio",
        output: "drums",
        clips: [wholeClip("hats")],
        strip: strip({
          highPass: { enabled: true, frequency: 300, slope: 24 },
          eq: eq({ 3: { enabled: true, frequency: 9000, gainDb: 2.5 } }),
          faderDb: -4,
        }),
        automation: [
          {
            parameter: "pan",
            points: [
              { tick: 12 * BAR, value: -0.4, curve: "linear" },
              { tick: 16 * BAR, value: 0.4, curve: "linear" },
            ],
          },
        ],
      },
      {
        id: "bass",
        name: "Bass",
        kind: "audio",
        clips: [wholeClip("bass")],
        strip: strip({
          lowPass: { enabled: true, frequency: 2000, slope: 12 },
          eq: eq({ 1: { enabled: true, frequency: 120, gainDb: 2, q: 0.8 } }),
          compressor: {
            enabled: true,
            thresholdDb: -30,
            ratio: 6,
            kneeDb: 6,
            attackMs: 1,
            releaseMs: 90,
            makeupDb: 0,
            detection: "peak",
            sidechainTrackId: "kick",
          },
          faderDb: -3,
        }),
      },
      {
        id: "pad",
        name: "Pad",
        kind: "audio",
        clips: [
          {
            id: "pad-a",
            sourceId: "pad",
            startTick: 0,
            lengthFrames: padSplit + half,
            fadeOut: { frames: half, shape: "equalPower" },
          },
          {
            id: "pad-b",
            sourceId: "pad",
            startTick: 8 * BAR,
            offsetFrames: padSplit,
            lengthFrames: source("pad").frames - padSplit,
            fadeIn: { frames: half, shape: "equalPower" },
            fadeOut: { frames: 4 * half, shape: "exponential" },
          },
        ],
        strip: strip({
          eq: eq({ 3: { enabled: true, frequency: 6000, gainDb: -3 } }),
          pan: -0.2,
        }),
        automation: [
          {
            parameter: "faderDb",
            points: [
              { tick: 0, value: -30, curve: "linear" },
              { tick: 4 * BAR, value: -4, curve: "hold" },
            ],
          },
        ],
      },
      {
        // An electric piano from the default soundfont: the chords on beats 1 and 3 from the
        // verse on, so the demo plays an instrument track beside its audio.
        id: "keys",
        name: "Keys",
        kind: "instrument",
        instrument: { program: 4 },
        noteClips: [
          {
            id: "keys-1",
            name: "Chords",
            startTick: 4 * BAR,
            lengthTicks: (BARS - 4) * BAR,
            notes: Array.from({ length: (BARS - 4) * 2 }, (_, half) =>
              CHORDS[(4 + Math.floor(half / 2)) % CHORDS.length].map((pitch) => ({
                pitch: pitch + 12,
                velocity: half % 2 === 0 ? 112 : 96,
                startTick: half * 2 * PPQ,
                lengthTicks: 2 * PPQ - 60,
              })),
            ).flat(),
          },
        ],
        strip: strip({ faderDb: 4, pan: 0.25 }),
      },
      {
        id: "drums",
        name: "Drum Bus",
        kind: "bus",
        strip: strip({
          panLaw: "0dB",
          compressor: {
            enabled: true,
            thresholdDb: -16,
            ratio: 3,
            kneeDb: 6,
            attackMs: 10,
            releaseMs: 120,
            makeupDb: 2,
            detection: "rms",
            sidechainTrackId: null,
          },
        }),
      },
      {
        id: "crush",
        name: "Parallel Crush",
        kind: "bus",
        strip: strip({
          panLaw: "0dB",
          compressor: {
            enabled: true,
            thresholdDb: -35,
            ratio: 12,
            kneeDb: 0,
            attackMs: 2,
            releaseMs: 60,
            makeupDb: 6,
            detection: "peak",
            sidechainTrackId: null,
          },
          faderDb: -12,
        }),
      },
    ],
    master: {
      strip: strip({ panLaw: "0dB" }),
      limiter: { enabled: true, ceilingDb: -1, lookaheadMs: 5, releaseMs: 80 },
    },
  });
  await saveProjectFolder(dir, project);
  return project;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? path.dirname(fileURLToPath(import.meta.url));
  await generateDemoSong(dir);
  console.log(`demo song written to ${dir}`);
}
