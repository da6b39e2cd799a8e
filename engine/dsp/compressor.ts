import { DB_TO_NEPER, NEPER_TO_DB } from "./decibels.ts";
import { SmoothedParam } from "./smoothed-param.ts";

/**
 * Feed-forward compressor after Giannoulis, Massberg & Reiss, "Digital Dynamic Range
 * Compressor Design — A Tutorial and Analysis", JAES 60(6), 2012: level detection, a gain
 * computer in the dB domain, then gain-reduction smoothing in the dB domain (their
 * "log-domain" topology, Fig. 7), then makeup gain.
 */

export interface CompressorSettings {
  thresholdDb: number;
  ratio: number;
  /** Knee width in dB; 0 is a hard knee. */
  kneeDb: number;
  attackMs: number;
  releaseMs: number;
  makeupDb: number;
  detection: "peak" | "rms";
}

/** Time constant of the RMS detector's mean-square average. */
export const RMS_TIME_CONSTANT_MS = 10;

/**
 * Below this much gain reduction, a release that is heading for 0 dB snaps to it, so an
 * idle compressor returns to the cheap unity path instead of decaying forever. The step it
 * makes is ~1e-8 relative, below −150 dBFS.
 */
const RELEASE_SNAP_DB = 1e-7;

/** Mean-square values below this are flushed to zero (see Biquad.flushDenormals). */
const DENORMAL_FLOOR = 1e-30;

/**
 * Gain reduction in dB (≤ 0) of the static curve; Giannoulis 2012 eq. 4 minus the input.
 * Below the knee 0; in the knee (1/R − 1)(x − T + W/2)²/(2W); above it (1/R − 1)(x − T).
 */
function gainReductionDb(x: number, thresholdDb: number, ratio: number, kneeDb: number): number {
  const over = x - thresholdDb;
  if (2 * over < -kneeDb) return 0;
  const slope = 1 / ratio - 1;
  if (kneeDb > 0 && 2 * Math.abs(over) <= kneeDb) {
    const into = over + kneeDb / 2;
    return (slope * into * into) / (2 * kneeDb);
  }
  return slope * over;
}

/**
 * Output level in dB of the static curve for an input level in dB (Giannoulis 2012 eq. 4):
 *   2(x − T) < −W      x
 *   2|x − T| ≤ W       x + (1/R − 1)(x − T + W/2)² / (2W)
 *   2(x − T) > W       T + (x − T)/R
 */
export function compressorStaticCurveDb(
  inputDb: number,
  thresholdDb: number,
  ratio: number,
  kneeDb: number,
): number {
  return inputDb + gainReductionDb(inputDb, thresholdDb, ratio, kneeDb);
}

/** One-pole coefficient for a time constant: exp(−1/(τ·fs)), so a step reaches 1 − 1/e after τ. */
export function onePoleCoefficient(timeMs: number, sampleRate: number): number {
  return Math.exp(-1000 / (timeMs * sampleRate));
}

/**
 * Stereo-linked feed-forward compressor.
 *
 * Detection is "peak" (max |x| over both channels, instantaneous) or "rms" (a one-pole
 * mean-square average with a 10 ms time constant of the larger channel's x², so both
 * detectors link the same way: the louder channel decides). The gain reduction g in dB is
 * smoothed by a branching one-pole (Giannoulis 2012 §3.2, eq. 17):
 *   attack  (target below g): g ← c + αA(g − c),  αA = exp(−1/(τA·fs))
 *   release (otherwise):      g ← c + αR(g − c),  αR = exp(−1/(τR·fs))
 * so a level step moves g exponentially with time constant exactly τA or τR.
 *
 * Threshold, ratio and makeup are SmoothedParams the owner may automate.
 */
export class CompressorProcessor {
  readonly threshold: SmoothedParam;
  readonly ratio: SmoothedParam;
  readonly makeup: SmoothedParam;

  private readonly kneeDb: number;
  private readonly attackMs: number;
  private readonly releaseMs: number;
  private readonly rms: boolean;
  private attackCoeff = 0;
  private releaseCoeff = 0;
  private rmsCoeff = 0;
  private meanSquare = 0;
  private gr = 0;

  constructor(settings: CompressorSettings) {
    this.threshold = new SmoothedParam(settings.thresholdDb);
    this.ratio = new SmoothedParam(settings.ratio);
    this.makeup = new SmoothedParam(settings.makeupDb);
    this.kneeDb = Math.max(0, settings.kneeDb);
    this.attackMs = settings.attackMs;
    this.releaseMs = settings.releaseMs;
    this.rms = settings.detection === "rms";
  }

  /** Current gain reduction in dB (≤ 0), for metering. */
  get gainReductionDb(): number {
    return this.gr;
  }

  prepare(sampleRate: number, maxBlockFrames: number): void {
    this.attackCoeff = onePoleCoefficient(this.attackMs, sampleRate);
    this.releaseCoeff = onePoleCoefficient(this.releaseMs, sampleRate);
    this.rmsCoeff = onePoleCoefficient(RMS_TIME_CONSTANT_MS, sampleRate);
    this.threshold.prepare(sampleRate, maxBlockFrames);
    this.ratio.prepare(sampleRate, maxBlockFrames);
    this.makeup.prepare(sampleRate, maxBlockFrames);
    this.reset();
  }

  reset(): void {
    this.meanSquare = 0;
    this.gr = 0;
    this.threshold.reset();
    this.ratio.reset();
    this.makeup.reset();
  }

  /**
   * Compresses left/right[0..frames) in place. The detector listens to keyLeft/keyRight
   * when keyLeft is given (keyRight null means a mono key), else to the signal itself.
   */
  process(
    left: Float64Array,
    right: Float64Array,
    keyLeft: Float64Array | null,
    keyRight: Float64Array | null,
    frames: number,
    absoluteFrame: number,
  ): void {
    const threshold = this.threshold;
    const ratio = this.ratio;
    const makeup = this.makeup;
    threshold.fill(absoluteFrame, frames);
    ratio.fill(absoluteFrame, frames);
    makeup.fill(absoluteFrame, frames);
    const fixed = threshold.isConstant && ratio.isConstant && makeup.isConstant;
    const thresholdValues = threshold.values;
    const ratioValues = ratio.values;
    const makeupValues = makeup.values;

    const keyL = keyLeft ?? left;
    const keyR = keyLeft === null ? right : (keyRight ?? keyLeft);
    const rms = this.rms;
    const knee = this.kneeDb;
    const halfKnee = knee / 2;
    const attack = this.attackCoeff;
    const release = this.releaseCoeff;
    const rmsCoeff = this.rmsCoeff;
    let meanSquare = this.meanSquare;
    let gr = this.gr;

    // Per-block values for the fixed case. In the loop each parameter is a fresh const per
    // frame rather than a variable carried across iterations, which V8 could keep boxed.
    const fixedT = threshold.value;
    const fixedR = Math.max(1, ratio.value);
    const fixedM = makeup.value;
    // The detector skips the logarithm while the level is below the knee.
    const fixedKneeStart = Math.exp((fixedT - halfKnee) * DB_TO_NEPER);
    const fixedMakeupGain = Math.exp(fixedM * DB_TO_NEPER);

    for (let i = 0; i < frames; i++) {
      const t = fixed ? fixedT : thresholdValues[i];
      const r = fixed ? fixedR : Math.max(1, ratioValues[i]);
      const m = fixed ? fixedM : makeupValues[i];
      const kneeStart = fixed ? fixedKneeStart : Math.exp((t - halfKnee) * DB_TO_NEPER);
      const makeupGain = fixed ? fixedMakeupGain : Math.exp(m * DB_TO_NEPER);
      const kl = keyL[i];
      const kr = keyR[i];
      // Level in dB, only above the knee's start: below it the gain computer gives 0.
      let level = Number.NEGATIVE_INFINITY;
      if (rms) {
        const sl = kl * kl;
        const sr = kr * kr;
        const sq = Math.max(sl, sr);
        meanSquare = sq + rmsCoeff * (meanSquare - sq);
        if (meanSquare < DENORMAL_FLOOR) meanSquare = 0;
        if (meanSquare > kneeStart * kneeStart) level = Math.log(meanSquare) * (NEPER_TO_DB / 2);
      } else {
        const peak = Math.max(Math.abs(kl), Math.abs(kr));
        if (peak > kneeStart) level = Math.log(peak) * NEPER_TO_DB;
      }
      // gainReductionDb inlined (a call would box the doubles it passes).
      let target = 0;
      const over = level - t;
      if (2 * over >= -knee) {
        const slope = 1 / r - 1;
        if (knee > 0 && 2 * Math.abs(over) <= knee) {
          const into = over + halfKnee;
          target = (slope * into * into) / (2 * knee);
        } else {
          target = slope * over;
        }
      }

      if (target < gr) {
        gr = target + attack * (gr - target);
      } else if (gr !== 0 || target !== 0) {
        gr = target + release * (gr - target);
        if (target === 0 && gr > -RELEASE_SNAP_DB) gr = 0;
      }

      if (gr === 0) {
        if (makeupGain !== 1) {
          left[i] *= makeupGain;
          right[i] *= makeupGain;
        }
      } else {
        const g = Math.exp((gr + m) * DB_TO_NEPER);
        left[i] *= g;
        right[i] *= g;
      }
    }
    this.meanSquare = meanSquare;
    this.gr = gr;
  }
}
