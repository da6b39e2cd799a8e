import { dbToGain } from "./decibels.ts";
import { OVERSAMPLED_PEAK_LATENCY_FRAMES, OversampledPeakDetector } from "./oversampled-peak.ts";

export interface LimiterSettings {
  enabled: boolean;
  ceilingDb: number;
  lookaheadMs: number;
  releaseMs: number;
  /** Limit the inter-sample (true) peak, 8× oversampled, instead of the sample peak. */
  truePeak?: boolean;
}

/**
 * In true-peak mode the detector reports the interval ending OVERSAMPLED_PEAK_LATENCY_FRAMES
 * behind its input, and a frame's gain shapes the interpolated values on both sides of it,
 * so the required gain for a frame comes one frame later still.
 */
const TRUE_PEAK_EXTRA_FRAMES = OVERSAMPLED_PEAK_LATENCY_FRAMES + 1;

/**
 * Below this remaining gain reduction the release snaps to exactly 1.0 (a step of < 1e-9,
 * below −180 dBFS), so after a peak the limiter returns to bit-exact transparency.
 */
const RELEASE_SNAP = 1e-9;

/**
 * Look-ahead brickwall limiter for the master bus (sample peak, stereo-linked).
 *
 * With L = lookahead in frames and a window of W = L + 1 frames:
 * 1. required gain g[n] = min(1, ceiling / max(|l[n]|, |r[n]|));
 * 2. m[n] = min(g[n−L..n]), a sliding-window minimum kept by a monotonic deque on ring
 *    buffers (O(1) amortised, no allocation);
 * 3. s[n] = m[n] when m[n] falls (instant attack), else a one-pole release toward m[n],
 *    so s[n] ≤ m[n] always;
 * 4. G[n] = mean(s[n−L..n]), a box filter that turns the gain drop into a ramp of W frames;
 * 5. out[n] = in[n−L] · G[n]. Every s in the box window covers frame n−L in its minimum
 *    window, so each is ≤ g[n−L] and so is their mean: the delayed sample cannot exceed the
 *    ceiling. A final clamp absorbs the rounding of the running sum.
 *
 *
 * With truePeak, step 1 uses the peak of the 8× oversampled signal on either side of the
 * frame instead of the sample itself (oversampled-peak.ts, finer than the BS.1770 meter), and the audio is delayed TRUE_PEAK_EXTRA_FRAMES
 * more to line up with it. The gain then changes over a window far longer than the
 * interpolator, so the output's true peak stays at the ceiling to within a few hundredths
 * of a dB (the sample clamp still holds exactly); a mastering chain keeps a small margin.
 *
 * Below the ceiling g, m, s and G are exactly 1.0 and the output is the input delayed by
 * latencyFrames, bit for bit. Disabled, it still delays (gain 1) so latency does not change
 * when it is switched.
 */
export class LimiterProcessor {
  latencyFrames = 0;

  private readonly enabled: boolean;
  private readonly ceilingDb: number;
  private readonly lookaheadMs: number;
  private readonly releaseMs: number;
  private readonly detector: OversampledPeakDetector | null;
  /** The true peak of the interval ending on the previous detector frame. */
  private previousPeak = 0;
  /** The detector's readings for the block being limited. */
  private peaks = new Float64Array(0);
  private ceiling = 1;
  private releaseCoeff = 0;
  private window = 1;

  private delayL = new Float64Array(1);
  private delayR = new Float64Array(1);
  private delayPos = 0;

  /** Monotonic deque of (frame, gain), ring-buffered; gains increase front to back. */
  private dequeFrame = new Float64Array(1);
  private dequeGain = new Float64Array(1);
  private dequeHead = 0;
  private dequeSize = 0;
  private frame = 0;

  private smoothed = 1;
  /** Box filter over s: ring of deficits 1 − s, their running sum, and how many are > 0. */
  private deficits = new Float64Array(1);
  private deficitPos = 0;
  private deficitSum = 0;
  private deficitCount = 0;

  constructor(settings: LimiterSettings) {
    this.enabled = settings.enabled;
    this.ceilingDb = settings.ceilingDb;
    this.lookaheadMs = settings.lookaheadMs;
    this.releaseMs = settings.releaseMs;
    this.detector = settings.truePeak ? new OversampledPeakDetector() : null;
  }

  /** Current gain in dB (≤ 0), for metering. */
  get gainReductionDb(): number {
    return this.deficitCount === 0 ? 0 : 20 * Math.log10(1 - this.deficitSum / this.window);
  }

  prepare(sampleRate: number, maxBlockFrames: number): void {
    const lookahead = Math.max(1, Math.round((this.lookaheadMs * sampleRate) / 1000));
    const delay = lookahead + (this.detector ? TRUE_PEAK_EXTRA_FRAMES : 0);
    this.latencyFrames = delay;
    this.window = lookahead + 1;
    this.ceiling = dbToGain(this.ceilingDb);
    this.releaseCoeff = Math.exp(-1000 / (this.releaseMs * sampleRate));
    this.detector?.prepare(sampleRate, 2);
    this.peaks = new Float64Array(this.detector ? Math.max(1, maxBlockFrames) : 0);
    this.delayL = new Float64Array(delay);
    this.delayR = new Float64Array(delay);
    this.dequeFrame = new Float64Array(this.window);
    this.dequeGain = new Float64Array(this.window);
    this.deficits = new Float64Array(this.window);
    this.reset();
  }

  reset(): void {
    this.delayL.fill(0);
    this.delayR.fill(0);
    this.delayPos = 0;
    this.dequeHead = 0;
    this.dequeSize = 0;
    this.frame = 0;
    this.smoothed = 1;
    this.deficits.fill(0);
    this.deficitPos = 0;
    this.deficitSum = 0;
    this.deficitCount = 0;
    this.detector?.reset();
    this.previousPeak = 0;
  }

  /**
   * Limits left/right[0..frames) in place; the output lags the input by latencyFrames.
   * Allocates nothing and never throws; a block longer than prepare()'s maxBlockFrames is
   * limited in pieces.
   */
  process(left: Float64Array, right: Float64Array, frames: number): void {
    const detector = this.detector;
    if (!this.enabled || detector === null) {
      this.limit(left, right, 0, frames, null, 0, 1);
      return;
    }
    const peaks = this.peaks;
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, peaks.length);
      detector.processStereo(left, right, done, n, peaks, 0);
      this.limit(left, right, done, n, peaks, 0, 1);
      done += n;
    }
  }

  /**
   * True-peak limiting keyed on readings computed beforehand: peaks[peaksOffset + i] is what
   * OversampledPeakDetector.processStereo() read for frame i of an input that, times
   * peakScale, is left/right. The detector is linear, so a mastering pass that only changes
   * the gain before the limiter reads the costly 8× interpolation once and scales it
   * (engine/node/master.ts). Allocates nothing and never throws.
   */
  processKeyed(
    left: Float64Array,
    right: Float64Array,
    frames: number,
    peaks: Float64Array | Float32Array,
    peaksOffset: number,
    peakScale: number,
  ): void {
    this.limit(left, right, 0, frames, this.enabled ? peaks : null, peaksOffset, peakScale);
  }

  /**
   * Frames [offset, offset + frames) of left/right. With peaks (true-peak mode) the required
   * gain keys on peaks[peaksOffset + i − offset] · peakScale, else on the samples themselves.
   */
  private limit(
    left: Float64Array,
    right: Float64Array,
    offset: number,
    frames: number,
    peaks: Float64Array | Float32Array | null,
    peaksOffset: number,
    peakScale: number,
  ): void {
    const delayL = this.delayL;
    const delayR = this.delayR;
    const delayFrames = delayL.length;
    let delayPos = this.delayPos;
    const end = offset + frames;
    if (!this.enabled) {
      for (let i = offset; i < end; i++) {
        const l = left[i];
        const r = right[i];
        left[i] = delayL[delayPos];
        right[i] = delayR[delayPos];
        delayL[delayPos] = l;
        delayR[delayPos] = r;
        if (++delayPos === delayFrames) delayPos = 0;
      }
      this.delayPos = delayPos;
      return;
    }

    const ceiling = this.ceiling;
    const negCeiling = -ceiling;
    const window = this.window;
    const invWindow = 1 / window;
    const release = this.releaseCoeff;
    const dequeFrame = this.dequeFrame;
    const dequeGain = this.dequeGain;
    const deficits = this.deficits;
    let head = this.dequeHead;
    let size = this.dequeSize;
    let frame = this.frame;
    let smoothed = this.smoothed;
    let deficitPos = this.deficitPos;
    let deficitSum = this.deficitSum;
    let deficitCount = this.deficitCount;
    let previousPeak = this.previousPeak;
    const peaksShift = peaksOffset - offset;

    for (let i = offset; i < end; i++) {
      const l = left[i];
      const r = right[i];
      let peak: number;
      if (peaks !== null) {
        const interval = peaks[i + peaksShift] * peakScale;
        peak = interval > previousPeak ? interval : previousPeak;
        previousPeak = interval;
      } else {
        peak = Math.max(Math.abs(l), Math.abs(r));
      }
      const need = peak > ceiling ? ceiling / peak : 1;

      // Sliding minimum: expire the frame leaving the window, then drop gains from the back
      // that the new one undercuts, so the front is always the window's minimum.
      if (size > 0 && dequeFrame[head] <= frame - window) {
        head = head + 1 === window ? 0 : head + 1;
        size--;
      }
      while (size > 0) {
        let back = head + size - 1;
        if (back >= window) back -= window;
        if (dequeGain[back] < need) break;
        size--;
      }
      let tail = head + size;
      if (tail >= window) tail -= window;
      dequeFrame[tail] = frame;
      dequeGain[tail] = need;
      size++;
      const minimum = dequeGain[head];

      if (minimum < smoothed) {
        smoothed = minimum;
      } else if (smoothed !== minimum) {
        smoothed = minimum + release * (smoothed - minimum);
        if (minimum === 1 && 1 - smoothed < RELEASE_SNAP) smoothed = 1;
      }

      // Box filter on deficits, so unity stays exact: the sum is zeroed whenever the
      // window holds no deficit, and recomputed once per window against drift.
      const deficit = 1 - smoothed;
      const old = deficits[deficitPos];
      if (old !== 0) deficitCount--;
      if (deficit !== 0) deficitCount++;
      deficits[deficitPos] = deficit;
      if (++deficitPos === window) {
        deficitPos = 0;
        deficitSum = 0;
        if (deficitCount !== 0) for (let k = 0; k < window; k++) deficitSum += deficits[k];
      } else {
        deficitSum = deficitCount === 0 ? 0 : deficitSum + deficit - old;
      }

      const delayedL = delayL[delayPos];
      const delayedR = delayR[delayPos];
      delayL[delayPos] = l;
      delayR[delayPos] = r;
      if (++delayPos === delayFrames) delayPos = 0;

      if (deficitCount === 0) {
        left[i] = delayedL;
        right[i] = delayedR;
      } else {
        const gain = 1 - deficitSum * invWindow;
        let yl = delayedL * gain;
        let yr = delayedR * gain;
        if (yl > ceiling) yl = ceiling;
        else if (yl < negCeiling) yl = negCeiling;
        if (yr > ceiling) yr = ceiling;
        else if (yr < negCeiling) yr = negCeiling;
        left[i] = yl;
        right[i] = yr;
      }
      frame++;
    }
    this.dequeHead = head;
    this.dequeSize = size;
    this.frame = frame;
    this.smoothed = smoothed;
    this.delayPos = delayPos;
    this.deficitPos = deficitPos;
    this.deficitSum = deficitSum;
    this.deficitCount = deficitCount;
    this.previousPeak = previousPeak;
  }
}
