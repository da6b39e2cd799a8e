import { basename } from "node:path";
import { ControlRoomError } from "../../music/errors.ts";
import { AiffFileReader } from "./aiff-file.ts";
import { audioCodecOf, type DecodedCodec, decodeAudioFile } from "./decode-file.ts";
import { WavFileReader } from "./wav-file.ts";

/** What a file holds as audio: what a source that plays it must say. */
export interface AudioFacts {
  codec: DecodedCodec;
  sampleRate: number;
  channels: number;
  /** Frames as the engine reads them: a WAV's or AIFF's own, a compressed file's decoded. */
  frames: number;
  durationSeconds: number;
}

/**
 * Checks an audio file the way `add-track` does and says what it holds. A WAV or AIFF is
 * checked by its header and its size (every frame the header promises is there), so a take
 * of gigabytes is never read into memory; a compressed file is decoded whole, which is how
 * a truncated or corrupt one is found, and its frames are the decoded ones the render plays.
 */
export async function probeAudioFile(path: string): Promise<AudioFacts> {
  const codec = await audioCodecOf(path);
  if (codec === "wav" || codec === "aiff") {
    const reader = codec === "wav" ? WavFileReader.open(path) : AiffFileReader.open(path);
    const { sampleRate, channels, frames } = reader.info;
    reader.close();
    return facts(codec, sampleRate, channels, frames);
  }
  if (codec === null) {
    throw new ControlRoomError(
      "E_AUDIO_UNSUPPORTED",
      `${basename(path)} is not an audio file Control Room can read; it reads WAV, AIFF, MP3, FLAC, Ogg Vorbis and Opus`,
      basename(path),
    );
  }
  const decoded = await decodeAudioFile(path);
  return facts(
    decoded.codec,
    decoded.sampleRate,
    decoded.channels.length,
    decoded.channels[0].length,
  );
}

function facts(
  codec: DecodedCodec,
  sampleRate: number,
  channels: number,
  frames: number,
): AudioFacts {
  return { codec, sampleRate, channels, frames, durationSeconds: frames / sampleRate };
}
