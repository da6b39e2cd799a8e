import { dbToGain } from "./decibels.ts";

export interface LimiterSettings {
  enabled: boolean;
  ceilingDb: number;
  lookaheadMs: number;
  releaseMs: number;
}

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
  }

  /** Current gain in dB (≤ 0), for metering. */
  get gainReductionDb(): number {
    return this.deficitCount === 0 ? 0 : 20 * Math.log10(1 - this.deficitSum / this.window);
  }

  prepare(sampleRate: number, _maxBlockFrames: number): void {
    const lookahead = Math.max(1, Math.round((this.lookaheadMs * sampleRate) / 1000));
    this.latencyFrames = lookahead;
    this.window = lookahead + 1;
    this.ceiling = dbToGain(this.ceilingDb);
    this.releaseCoeff = Math.exp(-1000 / (this.releaseMs * sampleRate));
    this.delayL = new Float64Array(lookahead);
    this.delayR = new Float64Array(lookahead);
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
  }

  /** Limits left/right[0..frames) in place; the output lags the input by latencyFrames. */
  process(left: Float64Array, right: Float64Array, frames: number): void {
    const delayL = this.delayL;
    const delayR = this.delayR;
    const lookahead = delayL.length;
    let delayPos = this.delayPos;
    if (!this.enabled) {
      for (let i = 0; i < frames; i++) {
        const l = left[i];
        const r = right[i];
        left[i] = delayL[delayPos];
        right[i] = delayR[delayPos];
        delayL[delayPos] = l;
        delayR[delayPos] = r;
        if (++delayPos === lookahead) delayPos = 0;
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

    for (let i = 0; i < frames; i++) {
      const l = left[i];
      const r = right[i];
      const peak = Math.max(Math.abs(l), Math.abs(r));
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
      if (++delayPos === lookahead) delayPos = 0;

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
  }
}
