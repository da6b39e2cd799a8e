import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { ControlRoomError } from "../../music/errors.ts";
import { type AiffInfo, decodeAiffSamples, readAiffHeader } from "../aiff/header.ts";
import type { ByteSource } from "../wav/header.ts";
import { fileError } from "./pending-file.ts";

/** Upper bound of one read; a longer range is read in pieces of this size. */
const MAX_READ_BYTES = 1 << 20;

/**
 * Streams sample frames of an AIFF or AIFF-C file from disk, as WavFileReader does for WAV:
 * opening checks the header and that every frame it promises is in the file, without
 * reading the audio.
 */
export class AiffFileReader {
  readonly info: AiffInfo;
  readonly #fileName: string;
  #fd: number | null;
  #buffer = new Uint8Array(0);

  private constructor(fileName: string, fd: number, info: AiffInfo) {
    this.#fileName = fileName;
    this.#fd = fd;
    this.info = info;
  }

  static open(path: string): AiffFileReader {
    const fileName = basename(path);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (error) {
      throw fileError(error, "E_FILE_READ", fileName, "cannot be opened");
    }
    try {
      const size = fstatSync(fd).size;
      const source: ByteSource = {
        size,
        read(offset, length) {
          const bytes = new Uint8Array(Math.max(0, Math.min(offset + length, size) - offset));
          readFully(fd, bytes, offset, fileName);
          return bytes;
        },
      };
      return new AiffFileReader(fileName, fd, readAiffHeader(source, fileName));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Decodes frames [startFrame, startFrame + frames) into `out[c][outOffset …]`. */
  readFrames(startFrame: number, frames: number, out: Float32Array[], outOffset = 0): void {
    const { info } = this;
    if (this.#fd === null) {
      throw new ControlRoomError("E_AIFF_CLOSED", `${this.#fileName} was already closed`);
    }
    if (startFrame < 0 || frames < 0 || startFrame + frames > info.frames) {
      throw new ControlRoomError(
        "E_AIFF_RANGE",
        `cannot read frames ${startFrame}–${startFrame + frames} of ${this.#fileName}, it has ${info.frames} frames`,
        this.#fileName,
      );
    }
    const frameBytes = info.channels * (info.bitsPerSample >> 3);
    const chunkFrames = Math.max(1, Math.floor(MAX_READ_BYTES / frameBytes));
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, chunkFrames);
      const bytes = n * frameBytes;
      if (this.#buffer.length < bytes) this.#buffer = new Uint8Array(bytes);
      const view = this.#buffer.subarray(0, bytes);
      readFully(this.#fd, view, info.dataOffset + (startFrame + done) * frameBytes, this.#fileName);
      decodeAiffSamples(view, info, n, out, outOffset + done);
      done += n;
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

function readFully(fd: number, into: Uint8Array, position: number, fileName: string): void {
  for (let done = 0; done < into.length; ) {
    let n: number;
    try {
      n = readSync(fd, into, done, into.length - done, position + done);
    } catch (error) {
      throw fileError(error, "E_FILE_READ", fileName, "cannot be read");
    }
    if (n === 0) {
      throw new ControlRoomError(
        "E_AIFF_TRUNCATED",
        `${fileName} ends at byte ${position + done}, but byte ${position + into.length} was expected`,
        fileName,
      );
    }
    done += n;
  }
}
