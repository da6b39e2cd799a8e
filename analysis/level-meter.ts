/** Sample peak and RMS of a signal that arrives in pieces, per channel and overall. */
export interface Levels {
  /** Per channel, dBFS. */
  peakDb: number[];
  rmsDb: number[];
  /** Over all channels: the highest peak, and the RMS of every sample. */
  overallPeakDb: number;
  overallRmsDb: number;
}

export class LevelMeter {
  private readonly peaks: Float64Array;
  private readonly squares: Float64Array;
  private frames = 0;

  constructor(channels: number) {
    this.peaks = new Float64Array(channels);
    this.squares = new Float64Array(channels);
  }

  add(channels: ArrayLike<number>[], offset: number, frames: number): void {
    for (let c = 0; c < this.peaks.length; c++) {
      const data = channels[c];
      let peak = this.peaks[c];
      let sum = 0;
      for (let i = offset; i < offset + frames; i++) {
        const x = data[i];
        const a = x < 0 ? -x : x;
        if (a > peak) peak = a;
        sum += x * x;
      }
      this.peaks[c] = peak;
      this.squares[c] += sum;
    }
    this.frames += frames;
  }

  levels(): Levels {
    const n = Math.max(1, this.frames);
    const peakDb = [...this.peaks].map(amplitudeToDb);
    const rmsDb = [...this.squares].map((s) => amplitudeToDb(Math.sqrt(s / n)));
    const total = this.squares.reduce((a, b) => a + b, 0);
    return {
      peakDb,
      rmsDb,
      overallPeakDb: amplitudeToDb(Math.max(...this.peaks)),
      overallRmsDb: amplitudeToDb(Math.sqrt(total / (n * this.peaks.length))),
    };
  }
}

export function amplitudeToDb(amplitude: number): number {
  return 20 * Math.log10(amplitude);
}
