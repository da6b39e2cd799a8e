import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileTypeFromBuffer } from "file-type";
import { type AudioFacts, probeAudioFile } from "../formats/node/probe-audio.ts";
import { ControlRoomError, isControlRoomError } from "../music/errors.ts";
import { blobHashMismatch } from "../store/blob-store.ts";

/**
 * What an upload must be before it reaches the blob store: no larger than the upload limit,
 * and, when its name says audio, audio by its bytes. Both are checked while the bytes stream
 * through, so a refused upload stops where it goes wrong and nothing of it is kept.
 */

/** Takes are large: 2 GiB unless the server is told otherwise (JSON bodies stay at 8 MiB). */
export const UPLOAD_LIMIT = 2 * 1024 ** 3;

/** How much of the start of an upload its type is read from. */
const SNIFF_BYTES = 64 * 1024;

/** The audio formats a project takes, by what their bytes are. */
const AUDIO_FORMATS = {
  wav: "WAV",
  flac: "FLAC",
  mp3: "MP3",
  ogg: "Ogg",
  aiff: "AIFF",
} as const;
type AudioFormat = keyof typeof AUDIO_FORMATS;

/** A name's extension → the format its bytes must be. */
const FORMAT_OF_EXTENSION: Readonly<Record<string, AudioFormat>> = {
  wav: "wav",
  wave: "wav",
  flac: "flac",
  mp3: "mp3",
  ogg: "ogg",
  oga: "ogg",
  opus: "ogg",
  aif: "aiff",
  aiff: "aiff",
  aifc: "aiff",
};

/** file-type's answer → the format. */
const FORMAT_OF_DETECTED: Readonly<Record<string, AudioFormat>> = {
  wav: "wav",
  flac: "flac",
  mp3: "mp3",
  ogg: "ogg",
  oga: "ogg",
  opus: "ogg",
  spx: "ogg",
  aif: "aiff",
};

export function uploadTooLarge(name: string, limit: number): ControlRoomError {
  return new ControlRoomError(
    "E_TOO_LARGE",
    `${name} is larger than the upload limit of ${limit} bytes; nothing was kept`,
    name,
  );
}

/** Passes the bytes on, refusing the upload as soon as it passes `limit`. */
export async function* limitUpload(
  content: AsyncIterable<Uint8Array>,
  limit: number,
  name: string,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of content) {
    size += chunk.byteLength;
    if (size > limit) throw uploadTooLarge(name, limit);
    yield chunk;
  }
}

/** True when a name says its file is audio: it lies under `audio/` or has an audio extension. */
export function namesAudio(name: string): boolean {
  return name.startsWith("audio/") || expectedFormat(name) !== undefined;
}

function expectedFormat(name: string): AudioFormat | undefined {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? FORMAT_OF_EXTENSION[base.slice(dot + 1).toLowerCase()] : undefined;
}

/**
 * Reads the start of an upload to learn what it is, and returns its media type with the
 * whole content, start included, to stream on. A name that says audio must be audio
 * (E_UPLOAD_NOT_AUDIO otherwise), and of the format its extension names. Other files get
 * the type their bytes show, or application/octet-stream; what the client declared is not
 * trusted, since the file is served back to other members.
 */
export async function sniffUpload(
  name: string,
  content: AsyncIterable<Uint8Array>,
): Promise<{ mediaType: string; content: AsyncIterable<Uint8Array> }> {
  const iterator = content[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const detected = await fileTypeFromBuffer(Buffer.concat(head, headBytes));
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield next.value;
      }
    },
  };
  if (!namesAudio(name)) {
    return { mediaType: detected?.mime ?? "application/octet-stream", content: rest };
  }
  const format = detected && FORMAT_OF_DETECTED[detected.ext];
  const expected = expectedFormat(name);
  if (format === undefined) {
    const what = detected ? `${detected.mime} (${detected.ext})` : "no audio format we know";
    throw notAudio(name, `its bytes are ${what}, not audio`);
  }
  if (expected !== undefined && format !== expected) {
    throw notAudio(
      name,
      `its name says ${AUDIO_FORMATS[expected]} but its bytes are ${AUDIO_FORMATS[format]}`,
    );
  }
  return { mediaType: detected!.mime, content: rest };
}

function notAudio(name: string, why: string): ControlRoomError {
  return new ControlRoomError(
    "E_UPLOAD_NOT_AUDIO",
    `${name}: ${why}; audio files must be ${Object.values(AUDIO_FORMATS).join(", ")}, named for their format`,
    name,
  );
}

/** An upload held in a temporary file while it is checked, before anything is stored. */
export interface SpooledUpload {
  path: string;
  sha256: string;
  size: number;
  /** Removes the temporary file; safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Streams an upload into a temporary file of its own, hashing it on the way, so it can be
 * checked (is it the file it claims, is its name free, does it fit the quota, is its audio
 * whole) before a byte reaches the blob store: a refused upload leaves nothing behind.
 * Memory stays at one chunk whatever the size. The file keeps the upload's base name, so
 * what a reader says about it names the file the user sent.
 */
export async function spoolUpload(
  name: string,
  content: AsyncIterable<Uint8Array>,
  expectedSha256?: string,
): Promise<SpooledUpload> {
  const dir = await mkdtemp(path.join(tmpdir(), "controlroom-upload-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, path.basename(name));
  const hash = createHash("sha256");
  let size = 0;
  try {
    await pipeline(async function* () {
      for await (const chunk of content) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    }, createWriteStream(file));
    const sha256 = hash.digest("hex");
    if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
      throw blobHashMismatch(sha256, expectedSha256);
    }
    return { path: file, sha256, size, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Checks an uploaded audio file the way `controlroom add-track` checks one and says what it
 * holds; a truncated, corrupt or unreadable one is E_UPLOAD_AUDIO_INVALID (422), with what
 * the reader found.
 */
export async function checkUploadedAudio(name: string, file: string): Promise<AudioFacts> {
  try {
    return await probeAudioFile(file);
  } catch (error) {
    if (!isControlRoomError(error)) throw error;
    throw new ControlRoomError(
      "E_UPLOAD_AUDIO_INVALID",
      `${name} cannot be used as audio: ${error.message} (${error.code}); nothing was kept`,
      name,
    );
  }
}

/**
 * CONTROLROOM_PROJECT_QUOTA_BYTES: the bytes of distinct files each project may hold, or
 * undefined for the default. Anything but a whole number of bytes is a usage error.
 */
export function projectQuotaFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.CONTROLROOM_PROJECT_QUOTA_BYTES;
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value)) {
    throw new ControlRoomError(
      "E_USAGE_QUOTA",
      `CONTROLROOM_PROJECT_QUOTA_BYTES is "${value}"; it must be a whole number of bytes, such as 10737418240 for 10 GiB`,
      "CONTROLROOM_PROJECT_QUOTA_BYTES",
    );
  }
  return Number(value);
}
