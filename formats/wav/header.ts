import { ControlRoomError } from "../../music/errors.ts";
import type { SampleFormat } from "./pcm.ts";

/**
 * Reads the header of a RIFF/WAVE file (Microsoft "Multimedia Programming Interface and Data
 * Specifications 1.0", 1991; WAVE_FORMAT_EXTENSIBLE from "Multiple Channel Audio Data and WAVE
 * Files", 2007) and of its 64-bit variants RF64 (EBU Tech 3306) and BW64 (ITU-R BS.2088).
 *
 * The chunk walk asks its ByteSource for a few bytes at a time and seeks over every chunk it does
 * not need, so a size field that lies can never make it allocate or read the whole file.
 */

export interface WavInfo extends SampleFormat {
  channels: number;
  sampleRate: number;
  /** dwChannelMask of a WAVE_FORMAT_EXTENSIBLE header; null for plain PCM/float headers. */
  channelMask: number | null;
  /** Byte offset of the first sample frame. */
  dataOffset: number;
  /** Payload size of the data chunk; a trailing partial frame is not counted in `frames`. */
  dataBytes: number;
  frames: number;
  blockAlign: number;
}

/** Random access to the bytes of a file. `read` may return fewer bytes only at end of file. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

const MIN_SAMPLE_RATE = 8000;
const MAX_SAMPLE_RATE = 384_000;
const MAX_CHANNELS = 8;
/** No real writer puts this many chunks ahead of the audio; stops a walk over garbage early. */
const MAX_CHUNKS = 1000;
const UNKNOWN_SIZE = 0xffffffff;

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2…15 shared by every KSDATAFORMAT_SUBTYPE GUID: xxxxxxxx-0000-0010-8000-00aa00389b71. */
const SUBTYPE_GUID_TAIL = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];

/** Format tags seen in the wild (RFC 2361 and mmreg.h), so an error can say what the file is. */
const CODEC_NAMES: Record<number, string> = {
  2: "Microsoft ADPCM",
  6: "A-law",
  7: "µ-law",
  17: "IMA ADPCM",
  49: "GSM 6.10",
  80: "MPEG audio",
  85: "MP3",
  146: "Dolby AC-3 over S/PDIF",
  255: "AAC",
  353: "Windows Media Audio",
  5648: "HE-AAC",
  8192: "Dolby AC-3",
  8193: "DTS",
  61868: "FLAC",
};

/** Parses a header from the start of a file; `bytes` may be the whole file or a prefix of it. */
export function parseWavHeader(bytes: Uint8Array, fileSize: number, fileName: string): WavInfo {
  return readWavHeader(
    {
      size: fileSize,
      read(offset, length) {
        const end = Math.min(offset + length, fileSize);
        if (end > bytes.length) {
          throw new ControlRoomError(
            "E_WAV_HEADER",
            `${fileName}: the chunks before the audio go past the first ${bytes.length} bytes that were read`,
            fileName,
          );
        }
        return bytes.subarray(offset, end);
      },
    },
    fileName,
  );
}

export function readWavHeader(source: ByteSource, fileName: string): WavInfo {
  const size = source.size;
  const riff = source.read(0, 12);
  const form = fourCC(riff, 0);
  const is64 = form === "RF64" || form === "BW64";
  if (riff.length < 12 || (form !== "RIFF" && !is64) || fourCC(riff, 8) !== "WAVE") {
    if (size === 0) throw notWave(fileName, `${fileName} is empty (0 bytes)`);
    // A file cut inside the 12-byte header still starts with (part of) "RIFF".
    if (riff.length < 12 && form.startsWith("RIFF".slice(0, riff.length))) {
      throw new ControlRoomError(
        "E_WAV_TRUNCATED",
        `${fileName} ends at byte ${size}, inside the 12-byte RIFF header`,
        fileName,
      );
    }
    if (form === "RIFF") {
      throw notWave(
        fileName,
        `${fileName} is a RIFF ${JSON.stringify(fourCC(riff, 8))} file, not WAVE`,
      );
    }
    throw notWave(
      fileName,
      `${fileName} is not a WAV file: it starts with ${describeStart(riff)}, a WAV file starts with "RIFF" and "WAVE"`,
    );
  }
  // RIFF's own size field is not checked: streaming writers leave it 0 or 0xFFFFFFFF, and
  // the chunk sizes below are what say where the audio is.

  let pos = 12;
  let dataSize64 = 0;
  if (is64) {
    // EBU Tech 3306 §3: ds64 is the first chunk; its dataSize replaces the 0xFFFFFFFF in "data".
    const head = source.read(pos, 8);
    const ds64Size = head.length === 8 ? u32(head, 4) : 0;
    if (fourCC(head, 0) !== "ds64" || ds64Size < 24) {
      throw headerError(
        fileName,
        `${fileName} is ${form} but has no valid "ds64" chunk after the header`,
      );
    }
    const ds64 = source.read(pos + 8, 24);
    if (ds64.length < 24) throw truncated(fileName, size, pos + 8 + ds64Size);
    dataSize64 = u32(ds64, 8) + u32(ds64, 12) * 2 ** 32;
    pos += 8 + ds64Size + (ds64Size & 1);
  }

  let fmt: Fmt | null = null;
  let dataOffset = -1;
  let dataBytes = 0;
  for (let chunks = 0; pos + 8 <= size && (fmt === null || dataOffset < 0); chunks++) {
    if (chunks === MAX_CHUNKS) {
      throw headerError(
        fileName,
        `${fileName} has more than ${MAX_CHUNKS} chunks before its audio`,
      );
    }
    const head = source.read(pos, 8);
    const id = fourCC(head, 0);
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      throw headerError(
        fileName,
        `${fileName}: byte ${pos} should start a chunk but holds ${hex(head.subarray(0, 4))}; the size of the chunk before it is wrong`,
      );
    }
    let chunkSize = u32(head, 4);
    const body = pos + 8;
    if (id === "data") {
      if (is64 && chunkSize === UNKNOWN_SIZE) {
        chunkSize = dataSize64;
      } else if (chunkSize === UNKNOWN_SIZE && body + chunkSize > size) {
        // ffmpeg and other streaming writers leave 0xFFFFFFFF when they cannot seek back, e.g.
        // `ffmpeg … -f wav - > out.wav`; common enough to read as "audio to end of file".
        chunkSize = size - body;
      }
      if (body + chunkSize > size) throw truncated(fileName, size, body + chunkSize);
      dataOffset = body;
      dataBytes = chunkSize;
    } else {
      if (body + chunkSize > size) {
        throw headerError(
          fileName,
          `${fileName}: the "${id}" chunk at byte ${pos} says it is ${chunkSize} bytes long, which runs past the end of the file at byte ${size}`,
        );
      }
      if (id === "fmt ")
        fmt = parseFmt(source.read(body, Math.min(chunkSize, 40)), chunkSize, fileName);
    }
    // RIFF chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    pos = body + chunkSize + (chunkSize & 1);
  }
  if (fmt === null) throw headerError(fileName, `${fileName} has no "fmt " chunk`);
  if (dataOffset < 0) throw headerError(fileName, `${fileName} has no "data" chunk`);
  return {
    ...fmt,
    dataOffset,
    dataBytes,
    frames: Math.floor(dataBytes / fmt.blockAlign),
  };
}

type Fmt = Omit<WavInfo, "dataOffset" | "dataBytes" | "frames">;

function parseFmt(b: Uint8Array, chunkSize: number, fileName: string): Fmt {
  if (chunkSize < 16) {
    throw headerError(
      fileName,
      `${fileName}: the "fmt " chunk is ${chunkSize} bytes, it needs at least 16`,
    );
  }
  const formatTag = u16(b, 0);
  const channels = u16(b, 2);
  const sampleRate = u32(b, 4);
  const byteRate = u32(b, 8);
  const blockAlign = u16(b, 12);
  const bitsPerSample = u16(b, 14);

  let codec = formatTag;
  let channelMask: number | null = null;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (chunkSize < 40 || u16(b, 16) < 22) {
      throw headerError(
        fileName,
        `${fileName}: the "fmt " chunk says WAVE_FORMAT_EXTENSIBLE but is ${chunkSize} bytes, it needs 40 with cbSize 22`,
      );
    }
    const validBits = u16(b, 18);
    channelMask = u32(b, 20);
    codec = u16(b, 24);
    if (SUBTYPE_GUID_TAIL.some((byte, i) => b[26 + i] !== byte)) {
      throw new ControlRoomError(
        "E_WAV_UNSUPPORTED_CODEC",
        `${fileName} uses the WAVE_FORMAT_EXTENSIBLE sub-format ${guid(b.subarray(24, 40))}; Control Room reads PCM and IEEE float WAV files`,
        fileName,
      );
    }
    if (validBits > bitsPerSample) {
      throw headerError(
        fileName,
        `${fileName}: wValidBitsPerSample is ${validBits}, more than the ${bitsPerSample} bits each sample is stored in`,
      );
    }
  }

  let encoding: "int" | "float";
  if (codec === WAVE_FORMAT_PCM) {
    encoding = "int";
    if (![8, 16, 24, 32].includes(bitsPerSample)) {
      throw unsupportedFormat(
        fileName,
        `${fileName} stores ${bitsPerSample}-bit PCM; Control Room reads 8, 16, 24 and 32-bit PCM`,
      );
    }
  } else if (codec === WAVE_FORMAT_IEEE_FLOAT) {
    encoding = "float";
    if (bitsPerSample !== 32 && bitsPerSample !== 64) {
      throw unsupportedFormat(
        fileName,
        `${fileName} stores ${bitsPerSample}-bit float; Control Room reads 32 and 64-bit float`,
      );
    }
  } else {
    const name = CODEC_NAMES[codec] ?? "an unknown codec";
    throw new ControlRoomError(
      "E_WAV_UNSUPPORTED_CODEC",
      `${fileName} is encoded as ${name} (format tag 0x${codec.toString(16).padStart(4, "0")}); Control Room reads PCM and IEEE float WAV files, convert it first (e.g. ffmpeg -i ${fileName} -c:a pcm_s24le out.wav)`,
      fileName,
    );
  }

  if (channels === 0) throw headerError(fileName, `${fileName}: the "fmt " chunk says 0 channels`);
  if (channels > MAX_CHANNELS) {
    throw unsupportedFormat(
      fileName,
      `${fileName} has ${channels} channels; Control Room reads 1 to ${MAX_CHANNELS}`,
    );
  }
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw unsupportedFormat(
      fileName,
      `${fileName} has a sample rate of ${sampleRate} Hz; Control Room reads ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`,
    );
  }
  const expectedAlign = channels * (bitsPerSample >> 3);
  if (blockAlign !== expectedAlign) {
    throw headerError(
      fileName,
      `${fileName}: nBlockAlign is ${blockAlign}, but ${channels} channels of ${bitsPerSample}-bit samples take ${expectedAlign} bytes per frame`,
    );
  }
  if (byteRate !== sampleRate * blockAlign) {
    throw headerError(
      fileName,
      `${fileName}: nAvgBytesPerSec is ${byteRate}, but ${sampleRate} Hz × ${blockAlign} bytes per frame is ${sampleRate * blockAlign}`,
    );
  }
  return { encoding, bitsPerSample, channels, sampleRate, channelMask, blockAlign };
}

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

function guid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0"));
  const le = (from: number, to: number) => h.slice(from, to).reverse().join("");
  return `{${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${h.slice(8, 10).join("")}-${h.slice(10).join("")}}`;
}

/** The first bytes as text when they are printable, else as hex. */
function describeStart(b: Uint8Array): string {
  const start = b.subarray(0, 4);
  const text = String.fromCharCode(...start);
  return /^[\x20-\x7e]+$/.test(text) ? JSON.stringify(text) : `the bytes ${hex(start)}`;
}

function notWave(fileName: string, message: string): ControlRoomError {
  return new ControlRoomError("E_WAV_NOT_WAVE", message, fileName);
}

function headerError(fileName: string, message: string): ControlRoomError {
  return new ControlRoomError("E_WAV_HEADER", message, fileName);
}

function unsupportedFormat(fileName: string, message: string): ControlRoomError {
  return new ControlRoomError("E_WAV_UNSUPPORTED_FORMAT", message, fileName);
}

function truncated(fileName: string, size: number, promised: number): ControlRoomError {
  return new ControlRoomError(
    "E_WAV_TRUNCATED",
    `${fileName} ends at byte ${size}, the header promises ${promised}`,
    fileName,
  );
}
