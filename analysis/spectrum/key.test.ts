import { describe, expect, it } from "vitest";
import { KeyDetector, keyFromChroma } from "./key.ts";
import { chordSequence } from "./test-signals.ts";

// MIDI notes: C4 = 60. Each chord has its root doubled an octave below.
const C_MAJOR = [
  [48, 60, 64, 67], // C
  [53, 57, 60, 65], // F
  [55, 59, 62, 67], // G
  [48, 60, 64, 67], // C
];
const A_MINOR = [
  [57, 60, 64, 69], // Am
  [50, 62, 65, 69], // Dm
  [52, 59, 64, 68], // E (the raised leading tone G#)
  [57, 60, 64, 69], // Am
];
const F_SHARP_MINOR = [
  [54, 61, 66, 69], // F#m
  [59, 62, 66, 71], // Bm
  [49, 61, 65, 68], // C# (E#, the leading tone)
  [54, 61, 66, 69], // F#m
];

/** Up and down a scale from `tonic`, one note at a time. */
function scale(tonic: number, steps: number[]): number[][] {
  const notes = [tonic];
  for (const step of steps) notes.push(notes.at(-1)! + step);
  return [...notes, ...notes.slice(0, -1).reverse()].map((note) => [note]);
}

function keyOf(signal: Float32Array, sampleRate: number) {
  const detector = new KeyDetector({ sampleRate });
  for (let at = 0; at < signal.length; at += 10_000) {
    detector.add([signal], at, Math.min(10_000, signal.length - at));
  }
  return detector.key();
}

describe("key estimation", () => {
  for (const sampleRate of [44_100, 48_000]) {
    it(`reads I–IV–V–I in C major, i–iv–V–i in A minor and F# minor at ${sampleRate} Hz`, () => {
      const cases = [
        ["C major", C_MAJOR],
        ["A minor", A_MINOR],
        ["F# minor", F_SHARP_MINOR],
      ] as const;
      for (const [name, chords] of cases) {
        const key = keyOf(
          chordSequence([...chords, ...chords, ...chords], 1.5, sampleRate),
          sampleRate,
        );
        expect(key?.name).toBe(name);
        expect(key?.correlation).toBeGreaterThan(0.85);
        expect(key?.confidence).toBeGreaterThan(0.1);
      }
    });
  }

  it("reads scales: C major, A natural minor and F# harmonic minor", () => {
    const major = [2, 2, 1, 2, 2, 2, 1];
    const natural = [2, 1, 2, 2, 1, 2, 2];
    const harmonic = [2, 1, 2, 2, 1, 3, 1];
    const rate = 48_000;
    expect(keyOf(chordSequence(scale(60, major), 0.5, rate), rate)?.name).toBe("C major");
    expect(keyOf(chordSequence(scale(57, natural), 0.5, rate), rate)?.name).toBe("A minor");
    expect(keyOf(chordSequence(scale(54, harmonic), 0.5, rate), rate)?.name).toBe("F# minor");
  });

  it("names the runner-up and gives low confidence when two keys fit almost equally", () => {
    const rate = 48_000;
    const key = keyOf(chordSequence(scale(57, [2, 1, 2, 2, 1, 2, 2]), 0.5, rate), rate);
    // A natural minor has exactly the notes of C major: only the weight on A tells them apart.
    expect(key?.runnerUp).toBe("C major");
    expect(key?.confidence).toBeLessThan(0.1);
  });

  it("matches a profile rotated to Eb perfectly and spells the key with a flat", () => {
    const major = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
    const eb = Array.from({ length: 12 }, (_, c) => major[(c - 3 + 12) % 12]);
    const key = keyFromChroma(eb);
    expect(key?.name).toBe("Eb major");
    expect(key?.correlation).toBeCloseTo(1, 12);
  });

  it("has no key for silence", () => {
    expect(keyOf(new Float32Array(48_000 * 2), 48_000)).toBeNull();
  });
});
