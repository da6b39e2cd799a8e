/**
 * Octave-band filters of IEC 61260-1: base-10 mid-band frequencies fm = 1000·10^(3k/10)
 * (nominal 125 Hz … 4 kHz), band edges fm·10^(∓3/20), and a third-order Butterworth band-pass
 * (six poles), which meets the class 1 attenuation mask. Designed from the analogue prototype
 * by the bilinear transform with both edges prewarped, as cascaded second-order sections.
 */
import { OCTAVE_BANDS_HZ } from "../bands.ts";

/** One biquad: b0, b1, b2, a1, a2 (a0 = 1). */
export type Section = readonly [number, number, number, number, number];

export interface OctaveFilter {
  nominalHz: number;
  midHz: number;
  lowHz: number;
  highHz: number;
  sections: Section[];
}

/** IEC 61260-1 exact mid-band frequency of the octave with this nominal frequency. */
export function exactMidband(nominalHz: number): number {
  const k = Math.round((10 / 3) * Math.log10(nominalHz / 1000));
  return 1000 * 10 ** ((3 * k) / 10);
}

interface Complex {
  re: number;
  im: number;
}

const ORDER = 3;

export function octaveFilter(nominalHz: number, sampleRate: number): OctaveFilter {
  const midHz = exactMidband(nominalHz);
  const lowHz = midHz * 10 ** (-3 / 20);
  const highHz = midHz * 10 ** (3 / 20);
  const warp = (hz: number) => 2 * sampleRate * Math.tan((Math.PI * hz) / sampleRate);
  const w1 = warp(lowHz);
  const w2 = warp(highHz);
  const bandwidth = w2 - w1;
  const centre2 = w1 * w2;
  // Butterworth low-pass prototype poles in the upper half plane and on the real axis.
  const prototype: Complex[] = [];
  for (let k = 0; k < ORDER; k++) {
    const theta = (Math.PI * (2 * k + ORDER + 1)) / (2 * ORDER);
    const pole = { re: Math.cos(theta), im: Math.sin(theta) };
    if (pole.im >= -1e-12)
      prototype.push({ re: pole.re, im: Math.abs(pole.im) < 1e-12 ? 0 : pole.im });
  }
  // Low-pass → band-pass: each prototype pole p gives the roots of s² − p·B·s + ω0² = 0. Of a
  // conjugate pair only one member is kept; its two roots each pair with their own conjugates.
  const analogPoles: Complex[] = [];
  for (const p of prototype) {
    const pb = { re: p.re * bandwidth, im: p.im * bandwidth };
    const disc = sqrt({ re: pb.re * pb.re - pb.im * pb.im - 4 * centre2, im: 2 * pb.re * pb.im });
    const r1 = { re: (pb.re + disc.re) / 2, im: (pb.im + disc.im) / 2 };
    const r2 = { re: (pb.re - disc.re) / 2, im: (pb.im - disc.im) / 2 };
    if (p.im === 0) analogPoles.push(r1.im >= 0 ? r1 : r2);
    else analogPoles.push(r1, r2);
  }
  const fs2 = 2 * sampleRate;
  const sections: Section[] = analogPoles.map((s) => {
    // Bilinear: z = (fs2 + s) / (fs2 − s); each section has zeros at z = 1 and z = −1.
    const z = divide({ re: fs2 + s.re, im: s.im }, { re: fs2 - s.re, im: -s.im });
    return [1, 0, -1, -2 * z.re, z.re * z.re + z.im * z.im] as const;
  });
  // Unity gain at the mid-band frequency.
  const w = (2 * Math.PI * midHz) / sampleRate;
  let gain = 1;
  for (const s of sections) gain *= magnitude(s, w);
  const g = gain ** (-1 / sections.length);
  const scaled = sections.map(([b0, b1, b2, a1, a2]) => [b0 * g, b1 * g, b2 * g, a1, a2] as const);
  return { nominalHz, midHz, lowHz, highHz, sections: scaled };
}

export function octaveFilters(sampleRate: number): OctaveFilter[] {
  return OCTAVE_BANDS_HZ.map((hz) => octaveFilter(hz, sampleRate));
}

/** |H(e^{jw})| of one section. */
export function magnitude([b0, b1, b2, a1, a2]: Section, w: number): number {
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nr = b0 + b1 * c1 + b2 * c2;
  const ni = -(b1 * s1 + b2 * s2);
  const dr = 1 + a1 * c1 + a2 * c2;
  const di = -(a1 * s1 + a2 * s2);
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

/** The signal through the sections (transposed direct form II), into a new array. */
export function filterSections(
  sections: readonly Section[],
  input: ArrayLike<number>,
): Float64Array {
  const out = Float64Array.from(input);
  for (const [b0, b1, b2, a1, a2] of sections) {
    let s1 = 0;
    let s2 = 0;
    for (let n = 0; n < out.length; n++) {
      const x = out[n];
      const y = b0 * x + s1;
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      out[n] = y;
    }
  }
  return out;
}

function sqrt(c: Complex): Complex {
  const r = Math.hypot(c.re, c.im);
  const re = Math.sqrt((r + c.re) / 2);
  const im = Math.sign(c.im || 1) * Math.sqrt(Math.max(0, (r - c.re) / 2));
  return { re, im };
}

function divide(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}
