/**
 * Where the engine pulls audio from. Files on disk (engine/node), memory in the browser.
 * `read` is synchronous so one render loop serves offline and realtime alike; callers
 * only ask for frames inside [0, frames).
 */
export interface SourceReader {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  read(startFrame: number, frames: number, out: Float64Array[], outOffset: number): void;
}

/** A source held in memory, for tests, generated audio and decoded compressed files. */
export class MemorySource implements SourceReader {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  private readonly data: ArrayLike<number>[];

  constructor(sampleRate: number, data: ArrayLike<number>[]) {
    this.sampleRate = sampleRate;
    this.data = data;
    this.channels = data.length;
    this.frames = data[0]?.length ?? 0;
  }

  read(startFrame: number, frames: number, out: Float64Array[], outOffset: number): void {
    for (let c = 0; c < this.channels; c++) {
      const from = this.data[c];
      const to = out[c];
      for (let i = 0; i < frames; i++) to[outOffset + i] = from[startFrame + i];
    }
  }
}

/**
 * Serves many small reads from one large window, so a render that asks for 64 frames at a
 * time still reads its files in big sequential pieces. Allocates only in the constructor.
 */
export class BufferedSource implements SourceReader {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  private readonly inner: SourceReader;
  private readonly window: Float64Array[];
  private windowStart = 0;
  private windowFrames = 0;

  constructor(inner: SourceReader, windowFrames = 65_536) {
    this.inner = inner;
    this.sampleRate = inner.sampleRate;
    this.channels = inner.channels;
    this.frames = inner.frames;
    this.window = Array.from({ length: inner.channels }, () => new Float64Array(windowFrames));
  }

  read(startFrame: number, frames: number, out: Float64Array[], outOffset: number): void {
    const capacity = this.window[0].length;
    if (frames > capacity) {
      this.inner.read(startFrame, frames, out, outOffset);
      return;
    }
    if (
      startFrame < this.windowStart ||
      startFrame + frames > this.windowStart + this.windowFrames
    ) {
      this.windowStart = startFrame;
      this.windowFrames = Math.min(capacity, this.frames - startFrame);
      this.inner.read(startFrame, this.windowFrames, this.window, 0);
    }
    const from = startFrame - this.windowStart;
    for (let c = 0; c < this.channels; c++) {
      const window = this.window[c];
      const to = out[c];
      for (let i = 0; i < frames; i++) to[outOffset + i] = window[from + i];
    }
  }
}
