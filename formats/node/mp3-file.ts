import { basename } from "node:path";
import { Mp3Encoder } from "@breezystack/lamejs";
import { ControlRoomError } from "../../music/errors.ts";
import { type AudioFileWriter, checkWriteBlock } from "../audio-file-writer.ts";
import { type DitherMode, Quantizer } from "../dither.ts";
import type { SampleBuffers } from "../wav/pcm.ts";
import { PendingFile } from "./pending-file.ts";
import { channelSeed } from "./wav-file.ts";

export interface Mp3WriterOptions {
  channels: number;
  sampleRate: number;
  /** Constant bit rate in kbit/s; 320 unless asked otherwise. */
  kbps?: number;
  dither?: DitherMode;
  seed?: number;
}

export const MP3_SAMPLE_RATES = [44_100, 48_000];
/** The MPEG-1 Layer III bit rates (ISO/IEC 11172-3 §2.4.2.3). */
export const MP3_BIT_RATES = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];

/** Whole MPEG-1 Layer III frames (1152 samples) per call into the encoder. */
const BLOCK_FRAMES = 1152 * 4;

/**
 * Writes a CBR MP3 with LAME (lamejs). LAME takes 16-bit input, so the float signal is
 * TPDF-dithered to 16 bits first, as for any other 16-bit export.
 */
export class Mp3FileWriter implements AudioFileWriter {
  readonly #file: PendingFile;
  readonly #encoder: Mp3Encoder;
  readonly #channels: number;
  readonly #quantizers: Quantizer[];
  readonly #pcm: Int16Array[];

  private constructor(file: PendingFile, options: Mp3WriterOptions, kbps: number) {
    this.#file = file;
    this.#channels = options.channels;
    this.#encoder = new Mp3Encoder(options.channels, options.sampleRate, kbps);
    this.#quantizers = Array.from(
      { length: options.channels },
      (_, c) => new Quantizer(16, options.dither, channelSeed(options.seed, c)),
    );
    this.#pcm = Array.from({ length: options.channels }, () => new Int16Array(BLOCK_FRAMES));
  }

  /** Creates the temporary file next to `path`; `path` itself is untouched until `commit()`. */
  static open(path: string, options: Mp3WriterOptions): Mp3FileWriter {
    const fileName = basename(path);
    const kbps = options.kbps ?? 320;
    if (!MP3_SAMPLE_RATES.includes(options.sampleRate)) {
      throw new ControlRoomError(
        "E_MP3_SAMPLE_RATE",
        `${fileName}: MP3 export supports ${MP3_SAMPLE_RATES.join(" and ")} Hz, not ${options.sampleRate} Hz; resample the mix or export WAV or FLAC`,
        fileName,
      );
    }
    if (options.channels !== 1 && options.channels !== 2) {
      throw new ControlRoomError(
        "E_MP3_CHANNELS",
        `${fileName}: MP3 holds mono or stereo, not ${options.channels} channels`,
        fileName,
      );
    }
    if (!MP3_BIT_RATES.includes(kbps)) {
      throw new ControlRoomError(
        "E_MP3_BIT_RATE",
        `${fileName}: ${kbps} kbit/s is not an MP3 bit rate; use one of ${MP3_BIT_RATES.join(", ")}`,
        fileName,
      );
    }
    return new Mp3FileWriter(PendingFile.create(path), options, kbps);
  }

  write(channels: SampleBuffers, offset: number, frames: number): void {
    this.#file.assertOpen();
    checkWriteBlock(this.#file.fileName, this.#channels, channels, offset, frames);
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, BLOCK_FRAMES);
      for (let c = 0; c < this.#channels; c++) {
        this.#quantizers[c].quantize(channels[c], offset + done, n, this.#pcm[c]);
      }
      const left = this.#pcm[0].subarray(0, n);
      const encoded =
        this.#channels === 2
          ? this.#encoder.encodeBuffer(left, this.#pcm[1].subarray(0, n))
          : this.#encoder.encodeBuffer(left);
      this.#append(encoded);
      done += n;
    }
  }

  async commit(): Promise<void> {
    this.#file.assertOpen();
    try {
      this.#append(this.#encoder.flush());
      this.#file.commit();
    } catch (error) {
      this.#file.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    this.#file.abort();
  }

  /** lamejs hands back an Int8Array; the file wants the same bytes unsigned. */
  #append(encoded: Uint8Array | Int8Array): void {
    this.#file.append(new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.length));
  }
}
