import { describe, expect, it } from "vitest";
import { Project, SCHEMA_VERSION } from "../../music/project.ts";
import { neutralStrip } from "../../music/strip.ts";
import { LoudnessMeterProcessor } from "../dsp/loudness/meter-processor.ts";
import { planMix } from "./mix-plan.ts";
import { Mixer } from "./mixer.ts";
import { MemorySource } from "./source.ts";

const RATE = 48_000;

function tone(frequency: number, amplitude: number, frames: number): Float64Array {
  return Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE),
  );
}

describe("the mixer's master meter", () => {
  it("reads momentary, short-term and true peak of exactly what leaves the master", () => {
    const frames = 4 * RATE;
    const project = Project.parse({
      schemaVersion: SCHEMA_VERSION,
      song: { title: "Meter", sampleRate: RATE },
      sources: [{ id: "s", file: "audio/s.wav", sampleRate: RATE, channels: 2, frames }],
      tracks: [
        {
          id: "t",
          name: "Tone",
          kind: "audio",
          strip: { ...neutralStrip(), panLaw: "0dB", faderDb: -6 },
          clips: [{ id: "c", sourceId: "s", startTick: 0, lengthFrames: frames }],
        },
      ],
    });
    const plan = planMix(project, RATE);
    const sources = new Map([
      ["s", new MemorySource(RATE, [tone(997, 0.5, frames), tone(997, 0.5, frames)])],
    ]);
    const mixer = new Mixer(plan, sources, {
      blockFrames: 256,
      chunkFrames: 4096,
      meterMaster: true,
    });
    const outside = new LoudnessMeterProcessor();
    outside.prepare(RATE, 2, 4096);
    for (let at = 0; at < frames; at += 4096) {
      const n = Math.min(4096, frames - at);
      mixer.renderTracks(mixer.sourceTracks, at, n);
      mixer.renderMix(at, n);
      outside.process(mixer.master.left, mixer.master.right, n);
      const meter = mixer.masterMeter!;
      expect(meter.momentaryLufs).toBe(outside.momentaryLufs);
      expect(meter.shortTermLufs).toBe(outside.shortTermLufs);
      expect(meter.truePeakDbtp).toBe(outside.truePeakDbtp);
    }
    // A 997 Hz sine of amplitude 0.25 (0.5, −6 dB) in both channels: each has a mean square
    // of 0.25²/2, their sum is 0.25², and −0.691 dB cancels the K-weighting's +0.691 dB at
    // 997 Hz, so −12.04 LUFS; its true peak is 0.25, −12.04 dBTP.
    expect(mixer.masterMeter!.shortTermLufs).toBeCloseTo(20 * Math.log10(0.25), 1);
    expect(mixer.masterMeter!.truePeakDbtp).toBeCloseTo(20 * Math.log10(0.25), 1);
  });

  it("is not there unless asked for", () => {
    const project = Project.parse({
      schemaVersion: SCHEMA_VERSION,
      song: { title: "x", sampleRate: RATE },
    });
    expect(
      new Mixer(planMix(project, RATE), new Map(), { blockFrames: 64, chunkFrames: 64 })
        .masterMeter,
    ).toBeNull();
  });
});

describe("instrument tracks in the mixer", () => {
  const project = Project.parse({
    schemaVersion: SCHEMA_VERSION,
    song: { title: "Keys", sampleRate: RATE },
    tracks: [
      {
        id: "keys",
        name: "Keys",
        kind: "instrument",
        instrument: { soundfont: "soundfonts/keys.sf2" },
        noteClips: [
          {
            id: "c",
            startTick: 0,
            lengthTicks: 960,
            notes: [{ pitch: 60, velocity: 100, startTick: 0, lengthTicks: 960 }],
          },
        ],
      },
      { id: "empty", name: "Empty", kind: "instrument", instrument: { soundfont: "default" } },
    ],
  });

  it("names the soundfont a track plays when it was not handed in", () => {
    expect(
      () => new Mixer(planMix(project, RATE), new Map(), { blockFrames: 64, chunkFrames: 64 }),
    ).toThrow(
      expect.objectContaining({ code: "E_SOUNDFONT_NOT_LOADED", subject: "soundfonts/keys.sf2" }),
    );
  });

  it("needs no soundfont for an instrument track with nothing to play", () => {
    const plan = planMix(project, RATE);
    expect(plan.soundFonts).toEqual(["soundfonts/keys.sf2"]);
    const mixer = new Mixer(plan, new Map(), { blockFrames: 64, chunkFrames: 64, renders: [1] });
    mixer.renderTracks([1], 0, 64);
    expect(mixer.chunks[1].output.left.every((x) => x === 0)).toBe(true);
  });
});

describe("live changes while the mixer plays", () => {
  function playing(): Mixer {
    const frames = RATE;
    const project = Project.parse({
      schemaVersion: SCHEMA_VERSION,
      song: { title: "Live", sampleRate: RATE },
      sources: [{ id: "s", file: "audio/s.wav", sampleRate: RATE, channels: 1, frames }],
      tracks: [
        {
          id: "t",
          name: "Tone",
          kind: "audio",
          strip: { ...neutralStrip(), panLaw: "0dB", faderDb: 0 },
          clips: [{ id: "c", sourceId: "s", startTick: 0, lengthFrames: frames }],
        },
      ],
      master: { limiter: { enabled: false } },
    });
    const sources = new Map([["s", new MemorySource(RATE, [new Float64Array(frames).fill(0.5)])]]);
    return new Mixer(planMix(project, RATE), sources, { blockFrames: 128, chunkFrames: 128 });
  }

  function block(mixer: Mixer, at: number): number {
    mixer.renderTracks(mixer.sourceTracks, at, 128);
    mixer.renderMix(at, 128);
    return mixer.master.left[127];
  }

  it("reaches a fader moved on the console within its 20 ms ramp, as the browser's engine does", () => {
    const mixer = playing();
    expect(block(mixer, 0)).toBeCloseTo(0.5, 9);
    expect(mixer.setParameter(0, "faderDb", -6)).toBe(true);
    let at = 128;
    for (; at < 128 * 10; at += 128) block(mixer, at); // 1 280 frames: past 20 ms (960)
    expect(block(mixer, at)).toBeCloseTo(0.5 * 10 ** (-6 / 20), 9);
    expect(mixer.setParameter(-1, "mute", 1)).toBe(true);
    for (at += 128; at < 128 * 30; at += 128) block(mixer, at);
    expect(block(mixer, at)).toBe(0);
    expect(mixer.setParameter(0, "no such parameter", 1)).toBe(false);
  });

  it("silences a track a solo elsewhere mutes", () => {
    const mixer = playing();
    mixer.setSoloMuted(0, true);
    let at = 0;
    for (; at < 128 * 10; at += 128) block(mixer, at);
    expect(block(mixer, at)).toBe(0);
  });
});
