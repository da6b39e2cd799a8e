/**
 * A recording of the sweep → the room's impulse response, by spectral division with a
 * regularised inverse filter (Kirkeby & Nelson 1998): H = Y·X* / (|X|² + ε(f)), ε negligible
 * inside the sweep's range and large outside it, where the sweep put no energy and division
 * would only amplify noise. Exact for a linear system inside the range, and the harmonics
 * of a distorting loudspeaker land at negative time (Farina 2000), cut off with the rest.
 */
import { ControlRoomError } from "../../music/errors.ts";
import { inverseRealSpectrum, powerOfTwoAtLeast, realSpectrum } from "./real-fft.ts";

export interface DeconvolveOptions {
  sampleRate: number;
  fromHz: number;
  toHz: number;
  /** Frames of the sweep file that carry the sweep (its trailing silence excluded). */
  sweepFrames: number;
  /** Names for messages. */
  recordingName?: string;
}

export interface ImpulseResponse {
  samples: Float64Array;
  sampleRate: number;
}

/** The shortest tail after the sweep that still shows a control room's decay. */
const MIN_TAIL_SECONDS = 0.3;
/** ε in band, against the sweep's strongest bin: −120 dB, far below any recording's noise. */
const IN_BAND_EPSILON = 1e-12;

export function deconvolveSweep(
  recording: Float64Array | Float32Array,
  sweep: Float64Array | Float32Array,
  options: DeconvolveOptions,
): ImpulseResponse {
  const { sampleRate, fromHz, toHz, sweepFrames } = options;
  const name = options.recordingName ?? "the recording";
  const tail = recording.length - sweepFrames;
  if (tail < MIN_TAIL_SECONDS * sampleRate) {
    throw new ControlRoomError(
      "E_IR_RECORDING_SHORT",
      `${name} is ${(recording.length / sampleRate).toFixed(2)} s long; the sweep alone lasts ${(sweepFrames / sampleRate).toFixed(2)} s, and the room's decay needs at least ${MIN_TAIL_SECONDS} s more (record 2–3 s past the sweep's end)`,
      name,
    );
  }
  // Cyclic deconvolution (Müller & Massarani 2001, §4): the recording folded onto a period
  // that holds the sweep, the response kept, and the harmonics (at most L·ln 8 before time 0)
  // wrapped behind it (realSpectrum folds what is longer than the transform). Half the size
  // of a transform that holds the whole recording.
  const L = sweepFrames / Math.log(toHz / fromHz);
  const size = powerOfTwoAtLeast(Math.max(sweepFrames, tail + L * Math.log(8)));
  const X = realSpectrum(sweep.subarray(0, Math.min(sweep.length, size)), size);
  const Y = realSpectrum(recording, size);
  let peak = 0;
  for (let k = 0; k <= size / 2; k++) peak = Math.max(peak, X[2 * k] ** 2 + X[2 * k + 1] ** 2);
  // Outside the sweep's range ε rises to the sweep's peak power over a third of an octave.
  const low = fromHz;
  const high = toHz;
  const edge = Math.log(2) / 3;
  // H overwrites Y, bin by bin.
  const H = Y;
  for (let k = 0; k <= size / 2; k++) {
    const f = (k * sampleRate) / size;
    let outside = 0;
    if (f < low) outside = f <= 0 ? 1 : Math.min(1, Math.log(low / f) / edge);
    else if (f > high) outside = Math.min(1, Math.log(f / high) / edge);
    const epsilon =
      peak * (IN_BAND_EPSILON + (outside > 0 ? 0.5 - 0.5 * Math.cos(Math.PI * outside) : 0));
    const xr = X[2 * k];
    const xi = X[2 * k + 1];
    const yr = Y[2 * k];
    const yi = Y[2 * k + 1];
    const scale = 1 / (xr * xr + xi * xi + epsilon);
    H[2 * k] = (yr * xr + yi * xi) * scale;
    H[2 * k + 1] = (yi * xr - yr * xi) * scale;
  }
  return { samples: inverseRealSpectrum(H, size, tail), sampleRate };
}
