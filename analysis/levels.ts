/**
 * Sample peak and RMS level, per channel and over all channels together, as `sox stats`
 * reports them ("Pk lev dB", "RMS lev dB"; its "Overall" column pools every sample).
 * The meter takes the signal in pieces, so a render measures its mix while writing it.
 */

export interface Levels {
  /** Per channel, dBFS. */
  peakDb: number[];
  rmsDb: number[];
  /** Over all channels: the highest peak, and the RMS of every sample pooled. */
  overallPeakDb: number;
  overallRmsDb: number;
}

type Samples = ArrayLike<number>;

export class LevelMeter {
  private readonly peaks: Float64Array;
  private readonly squares: Float64Array;
  private frames = 0;

  constructor(channels: number) {
    this.peaks = new Float64Array(channels);
    this.squares = new Float64Array(channels);
  }

  add(channels: readonly Samples[], offset: number, frames: number): void {
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
    const n = this.frames;
    const channels = this.peaks.length;
    const total = this.squares.reduce((sum, s) => sum + s, 0);
    return {
      peakDb: [...this.peaks].map(toDb),
      rmsDb: [...this.squares].map((s) => toDb(n > 0 ? Math.sqrt(s / n) : 0)),
      overallPeakDb: toDb(Math.max(0, ...this.peaks)),
      overallRmsDb: toDb(n > 0 && channels > 0 ? Math.sqrt(total / (n * channels)) : 0),
    };
  }
}

/** Levels of the first `frames` frames of a whole signal. */
export function measureLevels(channels: readonly Samples[], frames: number): Levels {
  const meter = new LevelMeter(channels.length);
  meter.add(channels, 0, frames);
  return meter.levels();
}

/** 20·log10 of a linear amplitude; silence is −Infinity dBFS. */
export function toDb(linear: number): number {
  return 20 * Math.log10(linear);
}
