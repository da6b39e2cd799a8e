import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { projectToMidi } from "./midi-export.ts";
import { midiToProject } from "./midi-import.ts";
import { MAX_MIDI_FILE_BYTES } from "./smf-layout.ts";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const midiDir = path.join(repoRoot, "..", "shared", "testdata", "midi");
const haveMidi = existsSync(midiDir);
if (!haveMidi) {
  console.log(`MIDI fuzzing skipped: ${midiDir} is absent (it comes with ../shared/testdata)`);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** A Standard MIDI File from its parts, with chunk lengths that tell the truth unless given. */
function smf(
  tracks: number[][],
  { format = 1, count = tracks.length, division = 480 } = {},
): Uint8Array {
  const header = [...ascii("MThd"), ...u32(6), 0, format, count >> 8, count & 255];
  const bytes = [...header, division >> 8, division & 255];
  for (const body of tracks) bytes.push(...ascii("MTrk"), ...u32(body.length), ...body);
  return new Uint8Array(bytes);
}

const END = [0x00, 0xff, 0x2f, 0x00];
const NOTE = [0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0];

function failure(bytes: Uint8Array, fileName = "bad.mid"): ControlRoomError {
  try {
    midiToProject(bytes, fileName);
  } catch (error) {
    if (error instanceof ControlRoomError) return error;
    throw error;
  }
  throw new Error("the import succeeded");
}

describe("refusing files that are not MIDI or are broken", () => {
  it("refuses an empty file, text and a WAV file as not MIDI, naming the file", () => {
    for (const bytes of [
      new Uint8Array(0),
      new TextEncoder().encode("hello, this is not a song"),
      new Uint8Array([...ascii("RIFF"), 0, 0, 0, 0, ...ascii("WAVE")]),
    ]) {
      const error = failure(bytes, "song.mid");
      expect(error.code).toBe("E_MIDI_NOT_MIDI");
      expect(error.subject).toBe("song.mid");
      expect(error.message).toContain("song.mid");
    }
  });

  it("refuses a file that ends inside its header", () => {
    expect(failure(smf([END]).subarray(0, 11)).code).toBe("E_MIDI_TRUNCATED");
  });

  it("refuses a header that promises 60 000 tracks and holds one, saying both numbers", () => {
    const error = failure(smf([[...NOTE, ...END]], { count: 60_000 }));
    expect(error.code).toBe("E_MIDI_TRACK_COUNT");
    expect(error.message).toContain("60000");
    expect(error.message).toContain("holds 1");
  });

  it("refuses a chunk whose length points past the end of the file", () => {
    const bytes = smf([[...NOTE, ...END]]);
    bytes.set(u32(0xffff_fff0), 18);
    const error = failure(bytes);
    expect(error.code).toBe("E_MIDI_TRUNCATED");
    expect(error.message).toContain(String(0xffff_fff0));
  });

  it("refuses a track cut off in the middle of an event", () => {
    const error = failure(smf([[0x00, 0x90, 60]]));
    expect(error.code).toBe("E_MIDI_EVENT");
    expect(error.message).toContain("track 1");
  });

  it("refuses running status with no status byte before it", () => {
    const error = failure(smf([[0x00, 60, 100, ...END]]));
    expect(error.code).toBe("E_MIDI_EVENT");
    expect(error.message).toMatch(/running status/i);
  });

  it("refuses a status byte that is no MIDI event", () => {
    expect(failure(smf([[0x00, 0xf4, 1, 2, ...END]])).code).toBe("E_MIDI_EVENT");
  });

  it("refuses files larger than any song before reading them", () => {
    const huge = new Uint8Array(MAX_MIDI_FILE_BYTES + 1);
    huge.set(smf([END]));
    expect(failure(huge).code).toBe("E_MIDI_TOO_LARGE");
  });

  it("refuses format 2, SMPTE time and a zero division with what is wrong", () => {
    expect(failure(smf([END], { format: 2 })).code).toBe("E_MIDI_FORMAT");
    expect(failure(smf([END], { format: 7 })).code).toBe("E_MIDI_FORMAT");
    expect(failure(smf([END], { division: 0xe728 })).message).toContain("SMPTE");
    expect(failure(smf([END], { division: 0 })).code).toBe("E_MIDI_DIVISION");
    expect(failure(smf([END, END], { format: 0 })).code).toBe("E_MIDI_TRACK_COUNT");
  });

  it("refuses delta times that run past any song's length", () => {
    const far = [0xff, 0xff, 0xff, 0x7f];
    const track = Array.from({ length: 20 }, () => [...far, 0xb0, 7, 100]).flat();
    expect(failure(smf([[...track, ...NOTE, ...END]])).code).toBe("E_MIDI_TOO_LONG");
  });
});

describe("reading what a careless writer leaves", () => {
  it("skips chunks that are not tracks, as the SMF specification asks", () => {
    const alien = [...ascii("XFIH"), ...u32(3), 1, 2, 3];
    const plain = smf([[...NOTE, ...END]]);
    const bytes = new Uint8Array([...plain.subarray(0, 14), ...alien, ...plain.subarray(14)]);
    expect(midiToProject(bytes, "alien.mid").tracks[0].noteClips[0].notes).toHaveLength(1);
  });

  it("ends a note that is never released at the track's last event", () => {
    const project = midiToProject(
      smf([[0x00, 0x90, 60, 100, 0x83, 0x60, 0xb0, 7, 90, ...END]]),
      "held.mid",
    );
    expect(project.tracks[0].noteClips[0].notes).toEqual([
      { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 960 },
    ]);
  });

  it("moves a time signature that falls inside a bar to the next bar line", () => {
    // 4/4 at 0, then 3/4 half a bar in (tick 960 at 480 PPQ is tick 1920 at 960 PPQ).
    const fourFour = [0xff, 0x58, 4, 4, 2, 24, 8];
    const threeFour = [0xff, 0x58, 4, 3, 2, 24, 8];
    const project = midiToProject(
      smf([[0x00, ...fourFour, 0x87, 0x40, ...threeFour, ...NOTE, ...END]]),
      "meter.mid",
    );
    expect(project.tempo.timeSignatures).toEqual([
      { tick: 0, numerator: 4, denominator: 4 },
      { tick: 3840, numerator: 3, denominator: 4 },
    ]);
  });
});

/** mulberry32: a small seeded generator, so every run mutates the files the same way. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function mutate(source: Uint8Array, next: () => number): Uint8Array {
  const at = () => Math.floor(next() * source.length);
  switch (Math.floor(next() * 4)) {
    case 0: {
      const bytes = source.slice();
      const flips = 1 + Math.floor(next() * 8);
      for (let i = 0; i < flips; i++) bytes[at()] ^= 1 << Math.floor(next() * 8);
      return bytes;
    }
    case 1:
      return source.slice(0, at());
    case 2: {
      const where = at();
      const inserted = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        Math.floor(next() * 256),
      );
      const bytes = new Uint8Array(source.length + inserted.length);
      bytes.set(source.subarray(0, where));
      bytes.set(inserted, where);
      bytes.set(source.subarray(where), where + inserted.length);
      return bytes;
    }
    default: {
      // A byte in the first 32 (the header and first chunk header) set to anything.
      const bytes = source.slice();
      bytes[Math.floor(next() * Math.min(32, bytes.length))] = Math.floor(next() * 256);
      return bytes;
    }
  }
}

describe.skipIf(!haveMidi)("fuzzing the importer with the files of ../shared/testdata/midi", () => {
  it("turns 2 000 seeded mutations into a project or an E_MIDI error, never another exception", () => {
    const files = readdirSync(midiDir, { recursive: true, encoding: "utf8" })
      .filter((f) => /\.midi?$/i.test(f))
      .sort()
      .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(midiDir, f))) }));
    // The orchestral score is 230 kB: it gets a few mutations, the smaller files the rest.
    const small = files.filter((f) => f.bytes.length < 100_000);
    const large = files.filter((f) => f.bytes.length >= 100_000);
    const next = random(20_240_601);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const pool = i % 200 === 0 && large.length > 0 ? large : small;
      const file = pool[Math.floor(next() * pool.length)];
      const bytes = mutate(file.bytes, next);
      let outcome: string;
      try {
        const project = midiToProject(bytes, file.name);
        outcome = "project";
        // Whatever imports must export and import again (checked on every fourth, for time).
        if ((outcomes.get(outcome) ?? 0) % 4 === 0)
          midiToProject(projectToMidi(project), file.name);
      } catch (error) {
        if (!(error instanceof ControlRoomError)) {
          throw new Error(`mutation ${i} of ${file.name} threw ${String(error)}`);
        }
        expect(error.code, `mutation ${i} of ${file.name}`).toMatch(/^E_MIDI/);
        expect(error.message).toContain(file.name);
        outcome = error.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The mutations must reach both sides: files that still read and files that do not.
    expect(outcomes.get("project")).toBeGreaterThan(50);
    expect(outcomes.get("E_MIDI_EVENT")).toBeGreaterThan(50);
    expect(outcomes.get("E_MIDI_TRUNCATED")).toBeGreaterThan(50);
  });
});
