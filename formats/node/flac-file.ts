import createFlac from "libflacjs";
import { ControlRoomError } from "../../music/errors.ts";
import { type AudioFileWriter, checkWriteBlock } from "../audio-file-writer.ts";
import { type DitherMode, Quantizer } from "../dither.ts";
import type { SampleBuffers } from "../wav/pcm.ts";
import { PendingFile } from "./pending-file.ts";
import { channelSeed } from "./wav-file.ts";

type Flac = createFlac.Flac;
type CompressionLevel = createFlac.CompressionLevel;

export interface FlacWriterOptions {
  channels: number;
  sampleRate: number;
  bitsPerSample: 16 | 24;
  /** libFLAC preset 0 (fastest) … 8 (smallest); 5 is libFLAC's and ffmpeg's default. */
  compression?: CompressionLevel;
  /** "none" only for material already on the target's integer grid. */
  dither?: DitherMode;
  seed?: number;
}

const BLOCK_FRAMES = 4096;
/** RFC 9639 §8: "fLaC", then the STREAMINFO block header, then its 34-byte body. */
const STREAMINFO_OFFSET = 8;

let flacReady: Promise<Flac> | null = null;

/**
 * libFLAC compiled to asm.js. The WebAssembly build is not used: under Node ≥ 18 its loader
 * fetch()es the .wasm file by path and fails.
 */
function loadFlac(): Promise<Flac> {
  flacReady ??= new Promise((resolve) => {
    const flac = createFlac("release");
    if (flac.isReady()) resolve(flac);
    else flac.on("ready", () => resolve(flac));
  });
  return flacReady;
}

/**
 * Writes a FLAC file block by block from float input, TPDF-dithered to 16 or 24-bit codes that
 * libFLAC stores exactly. libFLAC streams without seeking, so it cannot fill in the total sample
 * count and MD5 itself; `commit()` writes them into STREAMINFO from the encoder's final report.
 */
export class FlacFileWriter implements AudioFileWriter {
  readonly #flac: Flac;
  readonly #encoder: number;
  readonly #file: PendingFile;
  readonly #channels: number;
  readonly #quantizers: Quantizer[];
  readonly #codes: Int32Array<ArrayBuffer>[];
  #frames = 0;
  #writeError: unknown = null;
  #streamInfo: createFlac.StreamMetadata | null = null;

  private constructor(flac: Flac, file: PendingFile, options: FlacWriterOptions) {
    this.#flac = flac;
    this.#file = file;
    this.#channels = options.channels;
    this.#quantizers = Array.from(
      { length: options.channels },
      (_, c) => new Quantizer(options.bitsPerSample, options.dither, channelSeed(options.seed, c)),
    );
    this.#codes = Array.from({ length: options.channels }, () => new Int32Array(BLOCK_FRAMES));
    const { sampleRate, channels, bitsPerSample, compression = 5 } = options;
    this.#encoder = flac.create_libflac_encoder(
      sampleRate,
      channels,
      bitsPerSample,
      compression,
      0,
      false,
      0,
    );
    if (this.#encoder === 0) throw this.#encoderError("could not be set up");
    const status = flac.init_encoder_stream(
      this.#encoder,
      (data, length) => {
        try {
          file.append(data.subarray(0, length));
        } catch (error) {
          this.#writeError = error;
          return false;
        }
      },
      (streamInfo) => {
        this.#streamInfo = streamInfo ?? null;
      },
    );
    if (status !== 0) {
      flac.FLAC__stream_encoder_delete(this.#encoder);
      throw this.#encoderError(`could not be started (libFLAC init status ${status})`);
    }
  }

  /** Creates the temporary file next to `path`; `path` itself is untouched until `commit()`. */
  static async open(path: string, options: FlacWriterOptions): Promise<FlacFileWriter> {
    const flac = await loadFlac();
    const file = PendingFile.create(path);
    try {
      return new FlacFileWriter(flac, file, options);
    } catch (error) {
      file.abort();
      throw error;
    }
  }

  write(channels: SampleBuffers, offset: number, frames: number): void {
    this.#file.assertOpen();
    checkWriteBlock(this.#file.fileName, this.#channels, channels, offset, frames);
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, BLOCK_FRAMES);
      for (let c = 0; c < this.#channels; c++) {
        this.#quantizers[c].quantize(channels[c], offset + done, n, this.#codes[c]);
      }
      if (!this.#flac.FLAC__stream_encoder_process(this.#encoder, this.#codes, n)) {
        throw this.#failure("encoding failed");
      }
      done += n;
    }
    this.#frames += frames;
  }

  async commit(): Promise<void> {
    this.#file.assertOpen();
    try {
      if (!this.#flac.FLAC__stream_encoder_finish(this.#encoder)) {
        throw this.#failure("could not be finished");
      }
      if (this.#streamInfo === null) throw this.#encoderError("ended without its STREAMINFO");
      this.#file.writeAt(streamInfoBody(this.#streamInfo, this.#frames), STREAMINFO_OFFSET);
      this.#file.commit();
    } catch (error) {
      this.#file.abort();
      throw error;
    } finally {
      this.#flac.FLAC__stream_encoder_delete(this.#encoder);
    }
  }

  async abort(): Promise<void> {
    if (this.#file.isOpen) {
      this.#file.abort();
      // Deleting finishes the stream first; its last frames go to the closed file and are dropped.
      this.#flac.FLAC__stream_encoder_delete(this.#encoder);
    }
  }

  #failure(what: string): unknown {
    if (this.#writeError !== null) return this.#writeError;
    const state = this.#flac.FLAC__stream_encoder_get_state(this.#encoder);
    return this.#encoderError(`${what} (libFLAC encoder state ${state})`);
  }

  #encoderError(what: string): ControlRoomError {
    const fileName = this.#file.fileName;
    return new ControlRoomError(
      "E_FLAC_ENCODER",
      `the FLAC encoder for ${fileName} ${what}`,
      fileName,
    );
  }
}

/**
 * The 34-byte STREAMINFO body (RFC 9639 §8.2): block and frame size bounds, sample rate (20 bits),
 * channels − 1 (3), bits per sample − 1 (5), total samples (36), MD5 of the decoded audio.
 */
function streamInfoBody(info: createFlac.StreamMetadata, totalSamples: number): Uint8Array {
  const b = new Uint8Array(34);
  const view = new DataView(b.buffer);
  view.setUint16(0, info.min_blocksize);
  view.setUint16(2, info.max_blocksize);
  const u24 = (at: number, v: number) => {
    b[at] = v >>> 16;
    b[at + 1] = v >>> 8;
    b[at + 2] = v;
  };
  u24(4, info.min_framesize);
  u24(7, info.max_framesize);
  const rate = info.sampleRate;
  const channels = info.channels - 1;
  const bps = info.bitsPerSample - 1;
  const high = Math.floor(totalSamples / 2 ** 32);
  b[10] = rate >>> 12;
  b[11] = rate >>> 4;
  b[12] = ((rate & 0xf) << 4) | (channels << 1) | (bps >>> 4);
  b[13] = ((bps & 0xf) << 4) | (high & 0xf);
  view.setUint32(14, totalSamples >>> 0);
  for (let i = 0; i < 16; i++) b[18 + i] = Number.parseInt(info.md5sum.slice(2 * i, 2 * i + 2), 16);
  return b;
}
