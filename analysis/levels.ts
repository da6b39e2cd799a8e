/**
 * Sample peak and RMS level of a whole signal, per channel and over all channels together, as
 * `sox stats` reports them ("Pk lev dB", "RMS lev dB"; its "Overall" column pools every sample).
 * Levels are linear, full scale 1; `toDb` turns them into dBFS.
 */

export interface ChannelLevels {
  channels: number[];
  combined: number;
}

type Samples = Float32Array | Float64Array;

/** The largest |sample| of the first `frames` frames; combined is the largest of any channel. */
export function samplePeak(channels: readonly Samples[], frames: number): ChannelLevels {
  const peaks = channels.map((x) => {
    let peak = 0;
    for (let i = 0; i < frames; i++) {
      const a = Math.abs(x[i]);
      if (a > peak) peak = a;
    }
    return peak;
  });
  return { channels: peaks, combined: Math.max(0, ...peaks) };
}

/** Root mean square of the first `frames` frames; combined is the RMS of all samples pooled. */
export function rms(channels: readonly Samples[], frames: number): ChannelLevels {
  const squares = channels.map((x) => {
    let sum = 0;
    for (let i = 0; i < frames; i++) sum += x[i] * x[i];
    return sum;
  });
  const total = squares.reduce((sum, s) => sum + s, 0);
  return {
    channels: squares.map((s) => (frames > 0 ? Math.sqrt(s / frames) : 0)),
    combined: frames > 0 && channels.length > 0 ? Math.sqrt(total / (frames * channels.length)) : 0,
  };
}

/** 20·log10 of a linear amplitude; silence is −Infinity dBFS. */
export function toDb(linear: number): number {
  return 20 * Math.log10(linear);
}
