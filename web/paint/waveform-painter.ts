import type WaveformData from "waveform-data";
import type { AudioClip } from "../../music/project.ts";
import type { TempoMap } from "../../music/tempo-map.ts";
import { type ArrangementView, tickOfX } from "./arrangement-view.ts";

/** A source's peaks at every level the server made, finest first. */
export type WaveformLevels = readonly WaveformData[];

/**
 * An audio clip's waveform from the server's peaks: for each pixel column of the clip that
 * is inside the view, the minimum and maximum of the source frames under it, read from the
 * finest level no finer than a pixel. Only the visible columns are read.
 */
export class WaveformPainter {
  paint(
    context: CanvasRenderingContext2D,
    view: ArrangementView,
    tempoMap: TempoMap,
    clip: Pick<
      AudioClip,
      "startTick" | "offsetFrames" | "lengthFrames" | "playbackRate" | "gainDb"
    >,
    sourceRate: number,
    levels: WaveformLevels,
    box: { x0: number; x1: number; top: number; height: number },
    colour: string,
  ): void {
    if (levels.length === 0) return;
    const from = Math.max(Math.floor(box.x0), view.headerWidth);
    const to = Math.min(Math.ceil(box.x1), view.width);
    if (to <= from) return;
    const clipStart = tempoMap.ticksToSeconds(clip.startTick);
    const framesPerSecond = sourceRate * clip.playbackRate;
    const frameAt = (x: number) =>
      clip.offsetFrames + (tempoMap.ticksToSeconds(tickOfX(view, x)) - clipStart) * framesPerSecond;
    const perPixel = Math.abs(frameAt(from + 1) - frameAt(from));
    let level = levels[0];
    for (const each of levels) if (each.scale <= perPixel) level = each;
    const gain = 10 ** (clip.gainDb / 20);
    const middle = box.top + box.height / 2;
    const half = (box.height / 2) * gain;
    const first = clip.offsetFrames;
    const last = clip.offsetFrames + clip.lengthFrames;
    context.fillStyle = colour;
    for (let x = from; x < to; x++) {
      const f0 = Math.max(first, frameAt(x));
      const f1 = Math.min(last, frameAt(x + 1));
      if (f1 <= f0) continue;
      const i0 = Math.floor(f0 / level.scale);
      const i1 = Math.min(level.length - 1, Math.max(i0, Math.ceil(f1 / level.scale) - 1));
      let min = 0;
      let max = 0;
      for (let c = 0; c < level.channels; c++) {
        const channel = level.channel(c);
        for (let i = i0; i <= i1; i++) {
          const low = channel.min_sample(i);
          const high = channel.max_sample(i);
          if (low < min) min = low;
          if (high > max) max = high;
        }
      }
      const yMax = middle - Math.min(1, max / 32767) * half;
      const yMin = middle - Math.max(-1, min / 32767) * half;
      context.fillRect(x, yMax, 1, Math.max(1, yMin - yMax));
    }
  }
}
