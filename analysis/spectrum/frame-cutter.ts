/**
 * Cuts a stream of audio into overlapping frames that start at absolute sample positions
 * 0, hop, 2·hop, …, so the frames do not depend on how the stream was chunked.
 * Memory is one frame, whatever the length of the stream.
 */
import { ControlRoomError } from "../../music/errors.ts";

type Samples = ArrayLike<number>;

export class FrameCutter {
  readonly size: number;
  readonly hop: number;
  readonly #frame: Float64Array;
  #filled = 0;

  constructor(size: number, hop: number) {
    if (!Number.isInteger(hop) || hop < 1 || hop > size) {
      throw new ControlRoomError(
        "E_FRAME_HOP",
        `a hop of ${hop} samples was asked for; it must be a whole number from 1 to the frame length ${size}`,
        "hop",
      );
    }
    this.size = size;
    this.hop = hop;
    this.#frame = new Float64Array(size);
  }

  /**
   * Appends the mean of `channels` (a mono fold-down that keeps a centred source at its level)
   * and calls `onFrame` with every frame completed. The frame is reused: read it, do not keep it.
   */
  add(
    channels: readonly Samples[],
    offset: number,
    frames: number,
    onFrame: (frame: Float64Array) => void,
  ): void {
    const frame = this.#frame;
    const count = channels.length;
    const scale = 1 / count;
    for (let i = offset; i < offset + frames; i++) {
      let sum = 0;
      for (let c = 0; c < count; c++) sum += channels[c][i];
      frame[this.#filled++] = count === 1 ? sum : sum * scale;
      if (this.#filled === this.size) {
        onFrame(frame);
        frame.copyWithin(0, this.hop);
        this.#filled = this.size - this.hop;
      }
    }
  }
}
