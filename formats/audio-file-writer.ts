import { ControlRoomError } from "../music/errors.ts";
import type { SampleBuffers } from "./wav/pcm.ts";

/**
 * What every export target (WAV, FLAC, MP3) offers a render loop: append planar float blocks,
 * then either publish the file or throw it away. Until `commit()` resolves, nothing exists at
 * the destination path, so a failed or cancelled export never leaves half a file behind.
 */
export interface AudioFileWriter {
  /** Appends `frames` frames from `channels[c][offset …]`, one array per channel, full scale ±1. */
  write(channels: SampleBuffers, offset: number, frames: number): void | Promise<void>;
  /** Finishes the file and moves it onto the destination path in one atomic rename. */
  commit(): Promise<void>;
  /** Discards everything written; the destination path keeps whatever it held. No-op after commit. */
  abort(): Promise<void>;
}

/**
 * Checks the arguments of `write()` against the file's channel count, so a caller's mistake
 * is reported with the file's name instead of silently writing garbage or zeros.
 */
export function checkWriteBlock(
  fileName: string,
  expectedChannels: number,
  channels: SampleBuffers,
  offset: number,
  frames: number,
): void {
  if (channels.length !== expectedChannels) {
    throw new ControlRoomError(
      "E_WRITER_CHANNELS",
      `${fileName} has ${expectedChannels} channels, but a block of ${channels.length} was written`,
      fileName,
    );
  }
  if (!Number.isInteger(offset) || !Number.isInteger(frames) || offset < 0 || frames < 0) {
    throw new ControlRoomError(
      "E_WRITER_RANGE",
      `${fileName}: offset ${offset} and frame count ${frames} must be whole numbers ≥ 0`,
      fileName,
    );
  }
  for (const channel of channels) {
    if (offset + frames > channel.length) {
      throw new ControlRoomError(
        "E_WRITER_RANGE",
        `${fileName}: frames ${offset}–${offset + frames} were written from a channel of only ${channel.length}`,
        fileName,
      );
    }
  }
}
