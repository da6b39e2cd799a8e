/**
 * A stereo integer delay for latency compensation: a track whose chain adds less latency
 * than the longest one is delayed by the difference so everything stays sample-aligned.
 * The delayed samples are copied, never recomputed, so the output is the input bit for bit.
 */
export class DelayLine {
  readonly delayFrames: number;
  private bufferL = new Float64Array(0);
  private bufferR = new Float64Array(0);
  private pos = 0;

  constructor(delayFrames: number) {
    this.delayFrames = Math.max(0, Math.round(delayFrames));
  }

  prepare(_sampleRate: number, _maxBlockFrames: number): void {
    this.bufferL = new Float64Array(this.delayFrames);
    this.bufferR = new Float64Array(this.delayFrames);
    this.pos = 0;
  }

  reset(): void {
    this.bufferL.fill(0);
    this.bufferR.fill(0);
    this.pos = 0;
  }

  /** Delays left/right[0..frames) in place by delayFrames. */
  process(left: Float64Array, right: Float64Array, frames: number): void {
    const length = this.delayFrames;
    if (length === 0) return;
    const bufferL = this.bufferL;
    const bufferR = this.bufferR;
    let pos = this.pos;
    for (let i = 0; i < frames; i++) {
      const l = left[i];
      const r = right[i];
      left[i] = bufferL[pos];
      right[i] = bufferR[pos];
      bufferL[pos] = l;
      bufferR[pos] = r;
      if (++pos === length) pos = 0;
    }
    this.pos = pos;
  }
}
