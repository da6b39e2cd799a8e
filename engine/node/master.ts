import { LoudnessMeter, type LoudnessReport } from "../../analysis/loudness/loudness-meter.ts";
import { measureLoudnessFile } from "../../analysis/node/measure-file.ts";
import { openAudioFileWriter } from "../../formats/node/open-writer.ts";
import { WavFileReader } from "../../formats/node/wav-file.ts";
import {
  checkAllPlatforms,
  meetsProfile,
  type PlatformCheck,
} from "../../production/delivery/platform-check.ts";
import type { DeliveryProfile } from "../../production/delivery/profiles.ts";
import { DB_TO_NEPER } from "../dsp/decibels.ts";
import { LimiterProcessor, type LimiterSettings } from "../dsp/limiter.ts";
import { OversampledPeakDetector } from "../dsp/oversampled-peak.ts";
import { ClipPlayer } from "../mix/clip-player.ts";
import type { PlannedClip } from "../mix/mix-plan.ts";
import { MemorySource } from "../mix/source.ts";

/** Headroom under the profile's ceiling for the limiter, so the written file measures under it. */
const CEILING_MARGIN_DB = 0.15;
/** The loudness loop stops when the limited master is this close to its target. */
const CONVERGED_LU = 0.05;
const MAX_PASSES = 8;
/**
 * The most gain pushed into the limiter beyond what the target alone asks: past it a
 * master is crushed, not louder, and it is reported as missing its target instead.
 */
const MAX_LIMITING_DB = 12;
/** The least loudness a dB of gain is taken to buy, so a step never runs away. */
const MIN_SLOPE = 0.1;
/** Frames handed to the clip player, the limiter, the meter and the writer at a time. */
const BLOCK_FRAMES = 16_384;
/** The longest a pass runs without letting other work on this thread run (a job's heartbeat). */
const YIELD_MS = 20;
const LIMITER = { enabled: true, truePeak: true, lookaheadMs: 5, releaseMs: 150 } as const;

export interface MasterReport {
  profile: string;
  name: string;
  output: string;
  format: DeliveryProfile["format"];
  sampleRate: number;
  bitDepth: number;
  /** Gain applied before the limiter. */
  gainDb: number;
  /** Loudness passes through the limiter it took to land on the target. */
  passes: number;
  /** Measured on the written file by our BS.1770 meter. */
  loudness: LoudnessReport;
  pass: boolean;
  reasons: string[];
  platforms: PlatformCheck[];
}

/**
 * A mix file opened for mastering, shared by every profile it is mastered to: the file is
 * read once, its (unlimited) loudness measured once, and at each delivery rate the mix is
 * converted and its true peaks read once (the rate last asked for is kept).
 */
export class MasterSource {
  readonly input: string;
  readonly sampleRate: number;
  readonly frames: number;
  readonly #channels: Float32Array[];
  #unlimited: number | null = null;
  #atRate: AtRate | null = null;

  private constructor(input: string, sampleRate: number, channels: Float32Array[]) {
    this.input = input;
    this.sampleRate = sampleRate;
    this.frames = channels[0].length;
    this.#channels = channels;
  }

  /** Reads a WAV (mono or stereo) into memory, as 32-bit floats: exact for 16- to 32-bit files. */
  static open(input: string): MasterSource {
    const reader = WavFileReader.open(input);
    try {
      const { sampleRate, channels, frames } = reader.info;
      const data = Array.from({ length: Math.min(2, channels) }, () => new Float32Array(frames));
      const all = Array.from({ length: channels }, (_, c) => data[c] ?? new Float32Array(0));
      for (let at = 0; at < frames; at += BLOCK_FRAMES) {
        const n = Math.min(BLOCK_FRAMES, frames - at);
        const views = all.map((channel) =>
          channel.length === 0 ? new Float32Array(n) : channel.subarray(at, at + n),
        );
        reader.readFrames(at, n, views, 0);
      }
      return new MasterSource(input, sampleRate, data);
    } finally {
      reader.close();
    }
  }

  /** Integrated loudness of the mix as it is, LUFS: where the gain search starts. */
  async unlimitedLufs(): Promise<number> {
    this.#unlimited ??= (await measureLoudnessFile(this.input)).report.integratedLufs;
    return this.#unlimited;
  }

  /**
   * The mix at `rate` as the engine's clip player plays it (windowed-sinc conversion, mono
   * on both sides), and the limiter's detector readings of it at unity gain, with the
   * readings of the silence after it for as long as the limiter's look-ahead.
   */
  async atRate(rate: number, latencyFrames: number): Promise<AtRate> {
    const cached = this.#atRate;
    if (cached !== null && cached.rate === rate && cached.latencyFrames === latencyFrames) {
      return cached;
    }
    this.#atRate = null;
    const frames = Math.round(this.frames * (rate / this.sampleRate));
    const clip: PlannedClip = {
      id: "mix",
      sourceId: "mix",
      startFrame: 0,
      frames,
      offsetFrames: 0,
      playbackRate: 1,
      gain: 1,
      fadeInFrames: 0,
      fadeInShape: "linear",
      fadeOutFrames: 0,
      fadeOutShape: "linear",
    };
    const source = new MemorySource(this.sampleRate, this.#channels);
    const player = new ClipPlayer([clip], new Map([["mix", source]]), rate);
    player.prepare(BLOCK_FRAMES);
    const left = new Float64Array(BLOCK_FRAMES);
    const right = new Float64Array(BLOCK_FRAMES);
    const mix = [new Float32Array(frames), new Float32Array(frames)];
    const peaks = new Float32Array(frames + latencyFrames);
    const detector = new OversampledPeakDetector();
    detector.prepare(rate, 2);
    const pause = pauser();
    for (let at = 0; at < frames + latencyFrames; at += BLOCK_FRAMES) {
      await pause();
      const n = Math.min(BLOCK_FRAMES, frames + latencyFrames - at);
      const playing = Math.max(0, Math.min(n, frames - at));
      if (playing > 0) player.render(left, right, at, playing);
      left.fill(0, playing, n);
      right.fill(0, playing, n);
      if (playing > 0) {
        mix[0].set(left.subarray(0, playing), at);
        mix[1].set(right.subarray(0, playing), at);
      }
      // Read from the stored floats, which is what every pass feeds the limiter.
      for (let i = 0; i < playing; i++) {
        left[i] = mix[0][at + i];
        right[i] = mix[1][at + i];
      }
      detector.processStereo(left, right, 0, n, peaks, at);
    }
    this.#atRate = { rate, latencyFrames, frames, mix, peaks };
    return this.#atRate;
  }
}

interface AtRate {
  rate: number;
  latencyFrames: number;
  frames: number;
  mix: Float32Array[];
  peaks: Float32Array;
}

/**
 * Masters a stereo WAV to a delivery profile: gain to the loudness target, conversion to
 * the profile's rate, a true-peak look-ahead limiter under its ceiling, dither and encoding,
 * with the engine's own parts: the clip player converts the rate, the gain is a strip's trim
 * and the master limiter works in true-peak mode. Limiting lowers loudness, so the gain is
 * corrected and the limiter run again until the result lands on the target.
 *
 * Work is reused between passes: the conversion and the limiter's 8× true-peak readings are
 * computed once at unity gain (the detector is linear, so a pass scales them by its gain),
 * a pass is only the limiter's gain computation and a loudness measurement, and the pass
 * that lands on the target is the one written, not rendered again. Pass a MasterSource to
 * share the reading, the unlimited loudness and the conversion between profiles.
 */
export async function masterToProfile(
  input: string | MasterSource,
  profile: DeliveryProfile,
  output: string,
  onProgress?: (fraction: number) => void,
): Promise<MasterReport> {
  const source = typeof input === "string" ? MasterSource.open(input) : input;
  const settings = { ...LIMITER, ceilingDb: profile.truePeakCeilingDbtp - CEILING_MARGIN_DB };
  const latency = latencyOf(settings, profile.sampleRate);
  const steps = MAX_PASSES + 2;
  const atRate = await source.atRate(profile.sampleRate, latency);
  onProgress?.(1 / steps);

  let gainDb = 0;
  let passes = 0;
  let best: PassResult;
  if (profile.targetLufs === null) {
    best = await limitedPass(atRate, settings, gainDb);
    passes = 1;
  } else {
    const target = profile.targetLufs;
    // Secant steps on loudness(gain): without limiting the slope is 1 dB per dB; the harder
    // the limiter works, the less loudness each dB of gain buys.
    let previous: { gainDb: number; lufs: number } | null = null;
    let slope = 1;
    gainDb = clampTrim(target - (await source.unlimitedLufs()));
    const mostGainDb = clampTrim(gainDb + MAX_LIMITING_DB);
    for (;;) {
      best = await limitedPass(atRate, settings, gainDb, passes > 0 ? best!.output : undefined);
      passes++;
      onProgress?.((1 + passes) / steps);
      const off = target - best.lufs;
      if (passes >= MAX_PASSES || !Number.isFinite(off) || Math.abs(off) <= CONVERGED_LU) break;
      if (previous && gainDb !== previous.gainDb) {
        slope = Math.min(
          1,
          Math.max(MIN_SLOPE, (best.lufs - previous.lufs) / (gainDb - previous.gainDb)),
        );
      }
      previous = { gainDb, lufs: best.lufs };
      const next = Math.min(mostGainDb, clampTrim(gainDb + off / slope));
      if (next === gainDb) break;
      gainDb = next;
    }
  }

  await writeMaster(best.output, atRate.frames, profile, output);
  const { report } = await measureLoudnessFile(output);
  const measured = { integratedLufs: report.integratedLufs, truePeakDbtp: report.truePeakDbtp };
  const verdict = meetsProfile(measured, profile);
  onProgress?.(1);
  return {
    profile: profile.id,
    name: profile.name,
    output,
    format: profile.format,
    sampleRate: profile.sampleRate,
    bitDepth: profile.bitDepth,
    gainDb,
    passes,
    loudness: report,
    pass: verdict.pass,
    reasons: verdict.reasons,
    platforms: checkAllPlatforms(measured),
  };
}

interface PassResult {
  output: Float64Array[];
  lufs: number;
}

function latencyOf(settings: LimiterSettings, rate: number): number {
  const limiter = new LimiterProcessor(settings);
  limiter.prepare(rate, BLOCK_FRAMES);
  return limiter.latencyFrames;
}

/**
 * One pass: the mix times the gain through the limiter, keyed on the readings taken once,
 * run latencyFrames longer with the lead-in dropped (as renderMix compensates the
 * look-ahead), and measured. `reuse` is a previous pass's output buffer to overwrite.
 */
async function limitedPass(
  atRate: AtRate,
  settings: LimiterSettings,
  gainDb: number,
  reuse?: Float64Array[],
): Promise<PassResult> {
  const { rate, frames, mix, peaks } = atRate;
  const limiter = new LimiterProcessor(settings);
  limiter.prepare(rate, BLOCK_FRAMES);
  const latency = limiter.latencyFrames;
  const meter = new LoudnessMeter({ sampleRate: rate, channels: 2 });
  const output = reuse ?? [new Float64Array(frames), new Float64Array(frames)];
  const left = new Float64Array(BLOCK_FRAMES);
  const right = new Float64Array(BLOCK_FRAMES);
  // The trim as the channel strip applies it (exp, not 10^x: the same bits).
  const gain = Math.exp(gainDb * DB_TO_NEPER);
  const pause = pauser();
  for (let at = 0; at < frames + latency; at += BLOCK_FRAMES) {
    await pause();
    const n = Math.min(BLOCK_FRAMES, frames + latency - at);
    const playing = Math.max(0, Math.min(n, frames - at));
    const mixLeft = mix[0];
    const mixRight = mix[1];
    for (let i = 0; i < playing; i++) {
      left[i] = mixLeft[at + i] * gain;
      right[i] = mixRight[at + i] * gain;
    }
    left.fill(0, playing, n);
    right.fill(0, playing, n);
    limiter.processKeyed(left, right, n, peaks, at, gain);
    // Limiter frame j is mix frame at + j − latency.
    const from = Math.max(0, latency - at);
    const to = Math.min(n, frames + latency - at);
    if (to > from) {
      output[0].set(left.subarray(from, to), at + from - latency);
      output[1].set(right.subarray(from, to), at + from - latency);
      meter.add(output, at + from - latency, to - from);
    }
  }
  return { output, lufs: meter.report().integratedLufs };
}

async function writeMaster(
  channels: Float64Array[],
  frames: number,
  profile: DeliveryProfile,
  output: string,
): Promise<void> {
  const writer = await openAudioFileWriter(output, {
    format: profile.format,
    bitDepth: profile.bitDepth,
    sampleRate: profile.sampleRate,
    channels: 2,
  });
  try {
    const pause = pauser();
    for (let at = 0; at < frames; at += BLOCK_FRAMES) {
      await pause();
      await writer.write(channels, at, Math.min(BLOCK_FRAMES, frames - at));
    }
    await writer.commit();
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
}

/** Lets the event loop run every YIELD_MS, so a master in a server's process keeps it answering. */
function pauser(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since > YIELD_MS) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  };
}

/** The trim range of a channel strip; a mix more than 48 dB off its target is not a master. */
function clampTrim(db: number): number {
  return Math.max(-48, Math.min(48, db));
}
