/**
 * ISO 3382-1 room acoustic parameters of an impulse response, per octave band (IEC 61260-1
 * filters) and broadband: EDT, T20, T30 from the Schroeder curve with Lundeby's noise
 * handling, clarity C50 and C80, and whether each reading can be trusted.
 */
import { ControlRoomError } from "../../music/errors.ts";
import { OCTAVE_BANDS_HZ } from "../bands.ts";
import { type DecayCurve, readDecay, schroederDecay } from "./decay.ts";
import type { ImpulseResponse } from "./deconvolve.ts";
import { filterSections, octaveFilter } from "./octave-filters.ts";

export interface DecayParameter {
  /** Seconds extrapolated to 60 dB, or null when the band cannot give it. */
  seconds: number | null;
  /** Within ISO 3382-1's margins: 10 dB of decay to spare and a straight decay (ξ ≤ 10 ‰). */
  reliable: boolean;
  xiPerMille: number | null;
  /** Why it is missing or not to be trusted, as sentences. */
  problems: string[];
}

export interface BandParameters {
  /** Nominal octave in Hz, or "broadband". */
  band: number | "broadband";
  edt: DecayParameter;
  t20: DecayParameter;
  t30: DecayParameter;
  c50Db: number | null;
  c80Db: number | null;
  /** Noise floor against the band's peak, dB (−Infinity: the response ends before any floor). */
  noiseFloorDb: number;
  dynamicRangeDb: number;
  /** ISO 3382-2 Annex B: 100·(T30/T20 − 1); above 10 % the decay has two slopes. */
  curvaturePercent: number | null;
  /** The Schroeder curve every millisecond from the band's onset, dB, for plots. */
  decayDb: number[];
  reliable: boolean;
}

export interface RoomParameters {
  sampleRate: number;
  /** Where the response starts (ISO 3382-1 A.3: first within 20 dB of its peak), s. */
  onsetSeconds: number;
  lengthSeconds: number;
  broadband: BandParameters;
  bands: BandParameters[];
}

/** ISO 3382-1 §5.3.3: how far down each parameter's line reaches. */
const EVALUATION = {
  edt: { name: "EDT", top: 0, bottom: -10 },
  t20: { name: "T20", top: -5, bottom: -25 },
  t30: { name: "T30", top: -5, bottom: -35 },
} as const;
/** ISO 3382-1 §5.3.3: the line must end at least 10 dB above the noise to be trusted. */
const MARGIN_DB = 10;
const MAX_XI_PER_MILLE = 10;

export function onsetIndex(samples: ArrayLike<number>): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, samples[i] * samples[i]);
  const threshold = peak / 100;
  for (let i = 0; i < samples.length; i++) if (samples[i] * samples[i] >= threshold) return i;
  return 0;
}

function parameter(curve: DecayCurve, key: keyof typeof EVALUATION): DecayParameter {
  const { name, top, bottom } = EVALUATION[key];
  const needed = -bottom;
  const have = Math.floor(curve.dynamicRangeDb);
  if (have < needed) {
    return {
      seconds: null,
      reliable: false,
      xiPerMille: null,
      problems: [
        curve.endsBeforeNoise
          ? `${name} needs ${needed} dB of decay; the response ends ${have} dB below its peak in this band (record longer after the sweep)`
          : `${name} needs ${needed} dB of decay above the noise floor; this band has ${have} dB`,
      ],
    };
  }
  const reading = readDecay(curve, top, bottom);
  if (!reading) {
    return {
      seconds: null,
      reliable: false,
      xiPerMille: null,
      problems: [`${name}: the decay curve does not fall ${needed} dB in this band`],
    };
  }
  const problems: string[] = [];
  if (have < needed + MARGIN_DB && !curve.endsBeforeNoise) {
    problems.push(
      `${name} has ${have - needed} dB to spare above the noise floor, ISO 3382-1 asks for ${MARGIN_DB}; Lundeby's compensation stands in for the rest`,
    );
  }
  if (reading.xiPerMille > MAX_XI_PER_MILLE) {
    problems.push(
      `${name}: the decay is not a straight line (ξ = ${reading.xiPerMille.toFixed(0)} ‰, ISO 3382-2 trusts up to ${MAX_XI_PER_MILLE})`,
    );
  }
  return {
    seconds: reading.seconds,
    reliable: problems.length === 0,
    xiPerMille: reading.xiPerMille,
    problems,
  };
}

/** 10·log10 of early over late energy, the split `splitSeconds` after the onset. */
function clarity(curve: DecayCurve, splitSeconds: number): number | null {
  const split = Math.round(splitSeconds * curve.sampleRate);
  if (curve.crossing <= split) return null;
  let early = 0;
  let late = curve.tailEnergy;
  for (let i = 0; i < curve.crossing; i++) {
    if (i < split) early += curve.energy[i];
    else late += curve.energy[i];
  }
  if (!(early > 0 && late > 0)) return null;
  return 10 * Math.log10(early / late);
}

export function bandParameters(
  samples: Float64Array,
  sampleRate: number,
  band: number | "broadband",
): BandParameters {
  const onset = onsetIndex(samples);
  const squared = new Float64Array(samples.length - onset);
  for (let i = 0; i < squared.length; i++) squared[i] = samples[onset + i] ** 2;
  const curve = schroederDecay(squared, sampleRate);
  const edt = parameter(curve, "edt");
  const t20 = parameter(curve, "t20");
  const t30 = parameter(curve, "t30");
  const curvature =
    t20.seconds !== null && t30.seconds !== null ? 100 * (t30.seconds / t20.seconds - 1) : null;
  if (curvature !== null && curvature > 10) {
    t30.problems.push(
      `T30 is ${curvature.toFixed(0)} % longer than T20: the decay has two slopes (ISO 3382-2 Annex B), read both`,
    );
    t30.reliable = false;
  }
  const step = Math.max(1, Math.round(sampleRate / 1000));
  const decayDb: number[] = [];
  for (let i = 0; i < curve.db.length; i += step) decayDb.push(Math.max(-120, curve.db[i]));
  return {
    band,
    edt,
    t20,
    t30,
    c50Db: clarity(curve, 0.05),
    c80Db: clarity(curve, 0.08),
    noiseFloorDb: curve.noiseDb,
    dynamicRangeDb: curve.dynamicRangeDb,
    curvaturePercent: curvature,
    decayDb,
    reliable: edt.reliable && t20.reliable && t30.reliable,
  };
}

/** The shortest response worth reading: a tenth of a second, a very dead room's decay. */
const MIN_LENGTH_S = 0.1;

export function roomParameters(ir: ImpulseResponse): RoomParameters {
  const { samples, sampleRate } = ir;
  if (samples.length < MIN_LENGTH_S * sampleRate) {
    throw new ControlRoomError(
      "E_IR_TOO_SHORT",
      `the impulse response lasts ${((samples.length / sampleRate) * 1000).toFixed(0)} ms; reading a decay needs at least ${MIN_LENGTH_S * 1000} ms`,
      "impulse response",
    );
  }
  const onset = onsetIndex(samples);
  const bands = OCTAVE_BANDS_HZ.filter(
    (hz) => octaveFilter(hz, sampleRate).highHz < sampleRate / 2,
  ).map((hz) =>
    bandParameters(filterSections(octaveFilter(hz, sampleRate).sections, samples), sampleRate, hz),
  );
  return {
    sampleRate,
    onsetSeconds: onset / sampleRate,
    lengthSeconds: samples.length / sampleRate,
    broadband: bandParameters(samples, sampleRate, "broadband"),
    bands,
  };
}
