/**
 * The exponential sine sweep (Farina 2000, AES preprint 5093): x(t) = sin(2π·f1·L·(e^(t/L) − 1))
 * with L = T / ln(f2/f1). Its energy per octave is constant, so its spectrum falls 3 dB per
 * octave, and harmonic distortion lands before the linear response once deconvolved.
 */
import { ControlRoomError } from "../../music/errors.ts";

export interface SweepOptions {
  sampleRate: number;
  seconds: number;
  fromHz: number;
  toHz: number;
  /** Silence after the sweep, so a recording of the whole file holds the room's decay. */
  silenceSeconds?: number;
  /** Peak level, dBFS (default −6: headroom for the playback chain). */
  levelDb?: number;
}

export interface Sweep {
  samples: Float64Array;
  sampleRate: number;
  /** Frames that carry the sweep; the rest is silence. */
  sweepFrames: number;
  fromHz: number;
  toHz: number;
}

export function checkSweepOptions(o: SweepOptions): void {
  const fail = (field: string, message: string): never => {
    throw new ControlRoomError("E_SWEEP", message, field);
  };
  if (!(o.seconds >= 1 && o.seconds <= 60)) {
    fail(
      "--seconds",
      `a sweep of ${o.seconds} s was asked for; give 1 to 60 seconds (10 is usual)`,
    );
  }
  if (!(o.fromHz >= 1 && o.fromHz < o.toHz)) {
    fail(
      "--from",
      `the sweep must start above 1 Hz and below where it ends; it was asked to run from ${o.fromHz} to ${o.toHz} Hz`,
    );
  }
  if (o.toHz > o.sampleRate / 2) {
    fail(
      "--to",
      `the sweep cannot end at ${o.toHz} Hz at ${o.sampleRate} Hz sampling: the highest is ${o.sampleRate / 2} Hz`,
    );
  }
  if (o.toHz / o.fromHz < 2) fail("--to", "the sweep must cover at least an octave");
}

export function exponentialSweep(options: SweepOptions): Sweep {
  checkSweepOptions(options);
  const { sampleRate, seconds, fromHz, toHz } = options;
  const frames = Math.round(seconds * sampleRate);
  const silence = Math.round((options.silenceSeconds ?? 3) * sampleRate);
  const amplitude = 10 ** ((options.levelDb ?? -6) / 20);
  const rate = Math.log(toHz / fromHz);
  const L = seconds / rate;
  // Fades keep the ends from clicking: in over the first sixth of an octave, out over the last
  // twenty-fourth, half-Hann shaped (Müller & Massarani 2001, §5).
  const fadeIn = Math.max(1, Math.round(L * Math.log(2 ** (1 / 6)) * sampleRate));
  const fadeOut = Math.max(1, Math.round(L * Math.log(2 ** (1 / 24)) * sampleRate));
  const samples = new Float64Array(frames + silence);
  for (let n = 0; n < frames; n++) {
    const t = n / sampleRate;
    let gain = amplitude;
    if (n < fadeIn) gain *= 0.5 - 0.5 * Math.cos((Math.PI * n) / fadeIn);
    const fromEnd = frames - 1 - n;
    if (fromEnd < fadeOut) gain *= 0.5 - 0.5 * Math.cos((Math.PI * fromEnd) / fadeOut);
    samples[n] = gain * Math.sin(2 * Math.PI * fromHz * L * (Math.exp(t / L) - 1));
  }
  return { samples, sampleRate, sweepFrames: frames, fromHz, toHz };
}
