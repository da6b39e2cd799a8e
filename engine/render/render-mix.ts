import type { Mixer, Stereo } from "../mix/mixer.ts";

/** Anything that takes rendered audio in order: a file writer, a meter, a test buffer. */
export interface FrameSink {
  write(channels: Float64Array[], offset: number, frames: number): void | Promise<void>;
}

/** Produces the mix chunk by chunk: a Mixer on this thread, or one spread over workers. */
export interface ChunkEngine {
  readonly latencyFrames: number;
  readonly chunkFrames: number;
  /**
   * Renders frames [absoluteFrame, absoluteFrame + frames) of every track and the master.
   * `next` says which chunk comes after, so a threaded engine can start on it meanwhile.
   */
  render(
    absoluteFrame: number,
    frames: number,
    next?: { at: number; frames: number },
  ): void | Promise<void>;
  /** The master output of the last chunk, delayed by latencyFrames. */
  readonly master: Stereo;
  /** Track i's output for the last chunk (not delayed). */
  trackOutput(index: number): Stereo;
}

export interface RenderRange {
  startFrame: number;
  endFrame: number;
}

export interface Stem {
  trackIndex: number;
  sink: FrameSink;
}

/** The longest the render loop runs without letting other work on its thread run. */
const YIELD_MS = 20;

/**
 * Runs an engine over a range and hands the audio to its sinks. The master is delayed by
 * the look-ahead of its limiter, so the loop runs that much longer and drops the lead-in:
 * the mix lines up sample for sample with its sources (delay compensation).
 */
export async function renderMix(
  engine: ChunkEngine,
  range: RenderRange,
  mix: FrameSink,
  stems: Stem[] = [],
  onProgress?: (doneFrames: number, totalFrames: number) => void,
): Promise<void> {
  const { startFrame, endFrame } = range;
  const latency = engine.latencyFrames;
  const total = endFrame - startFrame;
  const last = endFrame + latency;
  const master = [engine.master.left, engine.master.right];
  let yielded = performance.now();
  for (let at = startFrame; at < last; at += engine.chunkFrames) {
    // An engine on this thread never waits for anything, so the loop lets the event loop run
    // now and then: a server rendering in-process keeps answering, and its job keeps
    // sending heartbeats.
    if (performance.now() - yielded > YIELD_MS) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      yielded = performance.now();
    }
    const frames = Math.min(engine.chunkFrames, last - at);
    const nextAt = at + frames;
    const next =
      nextAt < last
        ? { at: nextAt, frames: Math.min(engine.chunkFrames, last - nextAt) }
        : undefined;
    await engine.render(at, frames, next);
    // Chunk frame j is mix frame at + j − latency.
    const mixFrom = Math.max(startFrame, at - latency);
    const mixTo = Math.min(endFrame, at + frames - latency);
    if (mixTo > mixFrom) await mix.write(master, mixFrom - (at - latency), mixTo - mixFrom);
    const stemTo = Math.min(endFrame, at + frames);
    if (stemTo > at) {
      for (const stem of stems) {
        const out = engine.trackOutput(stem.trackIndex);
        await stem.sink.write([out.left, out.right], 0, stemTo - at);
      }
    }
    onProgress?.(Math.max(0, Math.min(total, mixTo - startFrame)), total);
  }
}

/** The Mixer on this thread, as a ChunkEngine. */
export function localEngine(mixer: Mixer, chunkFrames: number): ChunkEngine {
  const sources = mixer.sourceTracks;
  return {
    latencyFrames: mixer.latencyFrames,
    chunkFrames,
    master: mixer.master,
    render(at, frames) {
      mixer.renderTracks(sources, at, frames);
      mixer.renderMix(at, frames);
    },
    trackOutput: (i) => mixer.chunks[i].output,
  };
}
