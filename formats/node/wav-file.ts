import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { ControlRoomError } from "../../music/errors.ts";
import { type AudioFileWriter, checkWriteBlock } from "../audio-file-writer.ts";
import { type DitherMode, Quantizer } from "../dither.ts";
import { type ByteSource, readWavHeader, type WavInfo } from "../wav/header.ts";
import {
  bytesPerFrame,
  decodePcm,
  encodePcm,
  type SampleBuffers,
  type SampleEncoding,
} from "../wav/pcm.ts";
import { wavHeader } from "../wav/writer.ts";
import { fileError, PendingFile } from "./pending-file.ts";

/** The header walk needs far less than this unless a writer put large chunks before the audio. */
const HEADER_PREFIX_BYTES = 64 * 1024;
/** Upper bound of the reader's byte buffer; bigger requests are read in pieces of this size. */
const MAX_READ_BYTES = 1 << 20;
const WRITE_BLOCK_FRAMES = 4096;

/**
 * Streams sample frames of a PCM/float WAV file from disk. Synchronous on purpose: it runs inside
 * render workers, where a blocking read of one block is cheaper than a promise per block.
 */
export class WavFileReader {
  readonly path: string;
  readonly info: WavInfo;
  readonly #fileName: string;
  #fd: number | null;
  #buffer = new Uint8Array(0);

  private constructor(path: string, fd: number, info: WavInfo) {
    this.path = path;
    this.#fileName = basename(path);
    this.#fd = fd;
    this.info = info;
  }

  static open(path: string): WavFileReader {
    const fileName = basename(path);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (error) {
      throw fileError(error, "E_FILE_READ", fileName, "cannot be opened");
    }
    try {
      const size = fstatSync(fd).size;
      const prefix = new Uint8Array(Math.min(size, HEADER_PREFIX_BYTES));
      readFully(fd, prefix, 0, fileName);
      const source: ByteSource = {
        size,
        read(offset, length) {
          const end = Math.min(offset + length, size);
          if (end <= prefix.length) return prefix.subarray(offset, end);
          // Past the prefix only chunk headers and "fmt " bodies are asked for: a few bytes.
          const bytes = new Uint8Array(Math.max(0, end - offset));
          readFully(fd, bytes, offset, fileName);
          return bytes;
        },
      };
      return new WavFileReader(path, fd, readWavHeader(source, fileName));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * Decodes frames [startFrame, startFrame + frames) into `out[c][outOffset …]`. Reading outside
   * the file is an error, not silence: callers clamp to `info.frames`.
   */
  readFrames(startFrame: number, frames: number, out: SampleBuffers, outOffset = 0): void {
    const info = this.info;
    const fd = this.#fd;
    if (fd === null) {
      throw new ControlRoomError(
        "E_WAV_CLOSED",
        `${this.#fileName} was already closed`,
        this.#fileName,
      );
    }
    if (
      !Number.isInteger(startFrame) ||
      !Number.isInteger(frames) ||
      startFrame < 0 ||
      frames < 0 ||
      startFrame + frames > info.frames
    ) {
      throw new ControlRoomError(
        "E_WAV_RANGE",
        `cannot read frames ${startFrame}–${startFrame + frames} of ${this.#fileName}, it has ${info.frames} frames`,
        this.#fileName,
      );
    }
    for (let c = 0; c < info.channels; c++) {
      if (c >= out.length || out[c].length < outOffset + frames) {
        throw new ControlRoomError(
          "E_WAV_RANGE",
          `reading ${frames} frames of ${this.#fileName} needs ${info.channels} output arrays with room for ${outOffset + frames} samples`,
          this.#fileName,
        );
      }
    }
    const chunkFrames = Math.max(1, Math.floor(MAX_READ_BYTES / info.blockAlign));
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, chunkFrames);
      const bytes = n * info.blockAlign;
      if (this.#buffer.length < bytes) this.#buffer = new Uint8Array(bytes);
      const view = this.#buffer.subarray(0, bytes);
      readFully(fd, view, info.dataOffset + (startFrame + done) * info.blockAlign, this.#fileName);
      decodePcm(view, info, n, out, outOffset + done);
      done += n;
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

export interface WavWriterOptions {
  channels: number;
  sampleRate: number;
  encoding: SampleEncoding;
  bitsPerSample: number;
  channelMask?: number;
  /** For 8, 16 and 24-bit targets; "none" only for material already on the target's grid. */
  dither?: DitherMode;
  /** Seed of the dither noise; the same seed and input give the same file. */
  seed?: number;
}

/**
 * Writes a WAV file block by block. Integer targets of 24 bits or fewer are TPDF-dithered;
 * 32-bit int is rounded (its LSB is 186 dB down, far below any float source's noise).
 */
export class WavFileWriter implements AudioFileWriter {
  readonly #file: PendingFile;
  readonly #options: WavWriterOptions;
  readonly #quantizers: Quantizer[];
  readonly #codes: Float64Array[];
  readonly #bytes: Uint8Array;
  readonly #maxFrames: number;
  #frames = 0;

  private constructor(file: PendingFile, options: WavWriterOptions) {
    this.#file = file;
    this.#options = options;
    const { channels, encoding, bitsPerSample } = options;
    const quantize = encoding === "int" && bitsPerSample <= 24;
    this.#quantizers = quantize
      ? Array.from(
          { length: channels },
          (_, c) => new Quantizer(bitsPerSample, options.dither, channelSeed(options.seed, c)),
        )
      : [];
    this.#codes = quantize
      ? Array.from({ length: channels }, () => new Float64Array(WRITE_BLOCK_FRAMES))
      : [];
    const blockAlign = bytesPerFrame(options, channels);
    this.#bytes = new Uint8Array(WRITE_BLOCK_FRAMES * blockAlign);
    this.#maxFrames = Math.floor(
      (0xffffffff - wavHeader({ ...options, frames: 0 }).length) / blockAlign,
    );
  }

  /** Creates the temporary file next to `path`; `path` itself is untouched until `commit()`. */
  static open(path: string, options: WavWriterOptions): WavFileWriter {
    const file = PendingFile.create(path);
    try {
      file.append(wavHeader({ ...options, frames: 0 }));
    } catch (error) {
      file.abort();
      throw error;
    }
    return new WavFileWriter(file, options);
  }

  write(channels: SampleBuffers, offset: number, frames: number): void {
    this.#file.assertOpen();
    const fileName = this.#file.fileName;
    checkWriteBlock(fileName, this.#options.channels, channels, offset, frames);
    if (this.#frames + frames > this.#maxFrames) {
      throw new ControlRoomError(
        "E_WAV_TOO_LARGE",
        `${fileName} would pass the 4 GiB limit of a WAV file after ${this.#maxFrames} frames; export FLAC or split the file`,
        fileName,
      );
    }
    const scale = 2 ** (1 - this.#options.bitsPerSample);
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, WRITE_BLOCK_FRAMES);
      let source = channels;
      let sourceOffset = offset + done;
      if (this.#quantizers.length > 0) {
        for (let c = 0; c < channels.length; c++) {
          const codes = this.#codes[c];
          this.#quantizers[c].quantize(channels[c], sourceOffset, n, codes);
          // Back to full scale ±1; a power-of-two scale is exact, so encodePcm gets the codes back.
          for (let i = 0; i < n; i++) codes[i] *= scale;
        }
        source = this.#codes;
        sourceOffset = 0;
      }
      const length = encodePcm(source, sourceOffset, n, this.#options, this.#bytes);
      this.#file.append(this.#bytes.subarray(0, length));
      done += n;
    }
    this.#frames += frames;
  }

  async commit(): Promise<void> {
    this.#file.assertOpen();
    try {
      const header = wavHeader({ ...this.#options, frames: this.#frames });
      // RIFF chunks are word-aligned: odd-sized data gets one pad byte.
      if (this.#file.length & 1) this.#file.append(new Uint8Array(1));
      this.#file.writeAt(header, 0);
      this.#file.commit();
    } catch (error) {
      this.#file.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    this.#file.abort();
  }
}

/** Independent dither per channel: decorrelated seeds from one base (golden-ratio step). */
export function channelSeed(seed: number | undefined, channel: number): number {
  return ((seed ?? 0x2545f491) + Math.imul(channel, 0x9e3779b9)) | 0;
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
        "E_WAV_TRUNCATED",
        `${fileName} ends at byte ${position + done}, but byte ${position + into.length} was expected; was it cut while being read?`,
        fileName,
      );
    }
    done += n;
  }
}
