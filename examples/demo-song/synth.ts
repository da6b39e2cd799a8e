/**
 * The demo song's instruments, synthesised from nothing so the repo ships no recordings
 * and every byte of the demo is reproducible. Deterministic: noise comes from a seeded PRNG.
 */

export const BPM = 120;
export const BARS = 16;
export const BEATS_PER_BAR = 4;

const beatSeconds = 60 / BPM;
export const SONG_SECONDS = BARS * BEATS_PER_BAR * beatSeconds;

/** The progression's chord symbols, for the chord track. */
export const CHORD_SYMBOLS = ["Am", "F", "C", "G"];

/** A minor progression, one chord per bar: Am F C G. Roots and triads in MIDI notes. */
export const CHORDS = [
  [57, 60, 64],
  [53, 57, 60],
  [48, 52, 55],
  [55, 59, 62],
];

function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

const hz = (note: number) => 440 * 2 ** ((note - 69) / 12);

function frames(rate: number): number {
  return Math.round(SONG_SECONDS * rate);
}

export function kick(rate: number): Float64Array[] {
  const out = new Float64Array(frames(rate));
  for (let beat = 0; beat < BARS * BEATS_PER_BAR; beat++) {
    const start = Math.round(beat * beatSeconds * rate);
    let phase = 0;
    for (let i = 0; i < rate * 0.45 && start + i < out.length; i++) {
      const t = i / rate;
      phase += (2 * Math.PI * (48 + 110 * Math.exp(-t * 28))) / rate;
      out[start + i] += 0.9 * Math.sin(phase) * Math.exp(-t * 7);
    }
  }
  return [out];
}

export function snare(rate: number): Float64Array[] {
  const out = new Float64Array(frames(rate));
  const random = noise(7);
  for (let beat = 1; beat < BARS * BEATS_PER_BAR; beat += 2) {
    const start = Math.round(beat * beatSeconds * rate);
    let low = 0;
    for (let i = 0; i < rate * 0.3 && start + i < out.length; i++) {
      const t = i / rate;
      const n = random();
      low += 0.35 * (n - low);
      out[start + i] +=
        (0.45 * (n - low) + 0.35 * Math.sin(2 * Math.PI * 185 * t)) * Math.exp(-t * 16);
    }
  }
  return [out];
}

/** Stereo hats, made at their own rate (the demo ships them at 44.1 kHz to be resampled). */
export function hats(rate: number): Float64Array[] {
  const left = new Float64Array(frames(rate));
  const right = new Float64Array(frames(rate));
  const random = noise(11);
  for (let eighth = 0; eighth < BARS * BEATS_PER_BAR * 2; eighth++) {
    const start = Math.round((eighth * beatSeconds * rate) / 2);
    const level = eighth % 2 === 0 ? 0.28 : 0.16;
    let previous = 0;
    for (let i = 0; i < rate * 0.08 && start + i < left.length; i++) {
      const n = random();
      const high = n - previous;
      previous = n;
      const env = level * Math.exp(-(i / rate) * 45);
      left[start + i] += high * env;
      right[start + i] += (0.8 * high + 0.2 * random()) * env;
    }
  }
  return [left, right];
}

export function bass(rate: number): Float64Array[] {
  const out = new Float64Array(frames(rate));
  let phase = 0;
  let low = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const beat = t / beatSeconds;
    const bar = Math.floor(beat / BEATS_PER_BAR);
    const root = CHORDS[bar % CHORDS.length][0] - 24;
    const note = Math.floor(beat * 2) % 4 === 3 ? root + 12 : root;
    phase = (phase + hz(note) / rate) % 1;
    const saw = 2 * phase - 1;
    low += 0.08 * (saw - low);
    const inEighth = (beat * 2) % 1;
    out[i] = 0.6 * low * Math.min(1, inEighth * 40) * Math.exp(-inEighth * 1.5);
  }
  return [out];
}

export function pad(rate: number): Float64Array[] {
  const left = new Float64Array(frames(rate));
  const right = new Float64Array(frames(rate));
  const phases = new Float64Array(6);
  let lowL = 0;
  let lowR = 0;
  for (let i = 0; i < left.length; i++) {
    const t = i / rate;
    const bar = Math.floor(t / (beatSeconds * BEATS_PER_BAR));
    const chord = CHORDS[bar % CHORDS.length];
    let l = 0;
    let r = 0;
    for (let v = 0; v < 3; v++) {
      for (let d = 0; d < 2; d++) {
        const k = v * 2 + d;
        phases[k] = (phases[k] + (hz(chord[v]) * (d === 0 ? 0.997 : 1.003)) / rate) % 1;
        const saw = 2 * phases[k] - 1;
        if (d === 0) l += saw;
        else r += saw;
      }
    }
    lowL += 0.05 * (l - lowL);
    lowR += 0.05 * (r - lowR);
    const swell = 0.5 + 0.5 * Math.sin(2 * Math.PI * 0.25 * t);
    left[i] = 0.09 * lowL * (0.6 + 0.4 * swell);
    right[i] = 0.09 * lowR * (0.6 + 0.4 * (1 - swell));
  }
  return [left, right];
}
