import type { FadeShape } from "../../music/project.ts";
import { Resampler } from "../dsp/resampler.ts";
import type { PlannedClip } from "./mix-plan.ts";
import type { SourceReader } from "./source.ts";

/**
 * Plays a track's clips into a stereo block: reads each clip's region of its source,
 * converts the rate when the source differs from the render, applies clip gain and fades,
 * and sums overlapping clips (two clips with fades crossfade). Mono sources feed both sides.
 * Everything depends on absolute frames only, so block size never changes the result.
 */
export class ClipPlayer {
  private readonly clips: PlannedClip[];
  private readonly readers: SourceReader[];
  private readonly resamplers: (Resampler | null)[];
  private readonly scratch: Float64Array[] = [];
  private readonly resampled: Float64Array[] = [];

  constructor(clips: PlannedClip[], sources: Map<string, SourceReader>, sampleRate: number) {
    this.clips = clips;
    this.readers = clips.map((clip) => sources.get(clip.sourceId)!);
    const shared = new Map<string, Resampler>();
    this.resamplers = this.readers.map((reader, i) => {
      const rate = clips[i].playbackRate;
      if (reader.sampleRate === sampleRate && rate === 1) return null;
      const [from, to] = conversionRates(reader.sampleRate * rate, sampleRate);
      const key = `${from}/${to}`;
      let resampler = shared.get(key);
      if (!resampler) {
        resampler = new Resampler(from, to);
        shared.set(key, resampler);
      }
      return resampler;
    });
  }

  prepare(maxBlockFrames: number): void {
    let input = maxBlockFrames;
    for (const resampler of this.resamplers) {
      if (resampler) input = Math.max(input, resampler.maxInputFrames(maxBlockFrames));
    }
    this.scratch.length = 0;
    this.resampled.length = 0;
    for (let c = 0; c < 2; c++) {
      this.scratch.push(new Float64Array(input));
      this.resampled.push(new Float64Array(maxBlockFrames));
    }
  }

  /** Writes (not adds) frames [absoluteFrame, absoluteFrame + frames) into left and right. */
  render(left: Float64Array, right: Float64Array, absoluteFrame: number, frames: number): void {
    left.fill(0, 0, frames);
    right.fill(0, 0, frames);
    const blockEnd = absoluteFrame + frames;
    for (let i = 0; i < this.clips.length; i++) {
      const clip = this.clips[i];
      if (clip.startFrame >= blockEnd) break;
      const clipEnd = clip.startFrame + clip.frames;
      if (clipEnd <= absoluteFrame || clip.gain === 0) continue;
      const from = Math.max(absoluteFrame, clip.startFrame);
      const count = Math.min(blockEnd, clipEnd) - from;
      const at = from - clip.startFrame;
      const data = this.readClip(i, at, count);
      this.mixIn(i, data, at, count, left, right, from - absoluteFrame);
    }
  }

  /** Reads `count` frames of the clip starting `at` frames into it, at the render rate. */
  private readClip(index: number, at: number, count: number): Float64Array[] {
    const clip = this.clips[index];
    const reader = this.readers[index];
    const resampler = this.resamplers[index];
    if (!resampler) {
      reader.read(clip.offsetFrames + at, count, this.scratch, 0);
      return this.scratch;
    }
    // The resampler sees the source as if it began at the clip's offset, so output frame
    // `at` of the clip is the band-limited source at offset + at · sourceRate / renderRate.
    const span = resampler.inputSpan(at, count);
    const first = clip.offsetFrames + span.first;
    const readFrom = Math.max(0, first);
    const readTo = Math.min(reader.frames, first + span.count);
    for (let c = 0; c < reader.channels && c < 2; c++) this.scratch[c].fill(0, 0, span.count);
    if (readTo > readFrom) reader.read(readFrom, readTo - readFrom, this.scratch, readFrom - first);
    for (let c = 0; c < reader.channels && c < 2; c++) {
      resampler.process(this.scratch[c], span.first, this.resampled[c], 0, at, count);
    }
    return this.resampled;
  }

  private mixIn(
    index: number,
    data: Float64Array[],
    at: number,
    count: number,
    left: Float64Array,
    right: Float64Array,
    outOffset: number,
  ): void {
    const clip = this.clips[index];
    const dataLeft = data[0];
    const dataRight = this.readers[index].channels === 1 ? data[0] : data[1];
    const fadeOutStart = clip.frames - clip.fadeOutFrames;
    const plain = at >= clip.fadeInFrames && at + count <= fadeOutStart;
    if (plain && clip.gain === 1) {
      for (let i = 0; i < count; i++) {
        left[outOffset + i] += dataLeft[i];
        right[outOffset + i] += dataRight[i];
      }
      return;
    }
    // fadeGain() written out: a call per sample that V8 does not inline boxes its double.
    const clipGain = clip.gain;
    const fadeIn = clip.fadeInFrames;
    const fadeOut = clip.fadeOutFrames;
    const clipFrames = clip.frames;
    const inShape = SHAPE_CODE[clip.fadeInShape];
    const outShape = SHAPE_CODE[clip.fadeOutShape];
    for (let i = 0; i < count; i++) {
      const k = at + i;
      let gain = clipGain;
      if (k < fadeIn) {
        const t = k / fadeIn;
        gain *=
          inShape === LINEAR
            ? t
            : inShape === EQUAL_POWER
              ? Math.sin((t * Math.PI) / 2)
              : (1000 ** t - 1) / 999;
      }
      if (k >= fadeOutStart) {
        const t = (clipFrames - k) / fadeOut;
        gain *=
          outShape === LINEAR
            ? t
            : outShape === EQUAL_POWER
              ? Math.sin((t * Math.PI) / 2)
              : (1000 ** t - 1) / 999;
      }
      left[outOffset + i] += dataLeft[i] * gain;
      right[outOffset + i] += dataRight[i] * gain;
    }
  }
}

/**
 * Whole-hertz rates for the resampler whose ratio is sourceRate/renderRate: varispeed makes
 * the source rate fractional, so both are scaled up (to below 2^24 Hz, the resampler's limit)
 * before rounding. The ratio then errs by under 1e-6, under 1 ms in 15 minutes.
 */
function conversionRates(sourceRate: number, renderRate: number): [number, number] {
  if (Number.isInteger(sourceRate)) return [sourceRate, renderRate];
  const scale = Math.floor(2 ** 24 / Math.max(sourceRate, renderRate));
  return [Math.round(sourceRate * scale), renderRate * scale];
}

const LINEAR = 0;
const EQUAL_POWER = 1;
const SHAPE_CODE: Record<FadeShape, number> = {
  linear: LINEAR,
  equalPower: EQUAL_POWER,
  exponential: 2,
};

/**
 * Gain of a fade at position t (0 = silent end, 1 = full level).
 * - linear: straight line in amplitude.
 * - equalPower: sin(t·π/2), so a crossfade of two equal-power fades keeps constant power.
 * - exponential: a straight line in decibels over 60 dB, pinned to 0 and 1 at the ends.
 */
export function fadeGain(shape: FadeShape, t: number): number {
  switch (shape) {
    case "linear":
      return t;
    case "equalPower":
      return Math.sin((t * Math.PI) / 2);
    case "exponential":
      return (1000 ** t - 1) / 999;
  }
}
