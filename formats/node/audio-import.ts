import { copyFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { ControlRoomError } from "../../music/errors.ts";
import type { AudioSource } from "../../music/project.ts";
import { AiffFileReader } from "./aiff-file.ts";
import { audioCodecOf, decodeAudioFile, isWavFile } from "./decode-file.ts";
import { openAudioFileWriter } from "./open-writer.ts";
import { temporaryPath } from "./pending-file.ts";
import { freeAudioName } from "./project-folder.ts";
import { WavFileReader } from "./wav-file.ts";

const MAX_TRACK_CHANNELS = 2;

/**
 * Brings an audio file into a project's audio/ folder and describes it as a source.
 * A WAV is checked (its header, that its data is all there) and copied byte for byte;
 * compressed files are decoded once to a 32-bit float WAV at their own rate, the way
 * studio software converts imports to the session format. Nothing is left behind on failure.
 */
export async function importAudioFile(dir: string, file: string): Promise<Omit<AudioSource, "id">> {
  const name = path.basename(file);
  if (await isWavFile(file)) {
    const reader = WavFileReader.open(file);
    const { sampleRate, channels, frames } = reader.info;
    reader.close();
    checkChannels(name, channels);
    const target = await freeAudioName(dir, name, ".wav");
    const temp = temporaryPath(path.join(dir, target));
    try {
      await copyFile(file, temp);
      await rename(temp, path.join(dir, target));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { file: target, sampleRate, channels, frames };
  }
  const target = await freeAudioName(dir, name, ".wav");
  const decoded = await writeDecodedWav(file, path.join(dir, target));
  return { file: target, ...decoded };
}

/**
 * A WAV of `file` the engine can stream: the file itself when it is a WAV, else its
 * decoded audio written as 32-bit float into `workDir`.
 */
export async function decodeToWav(file: string, workDir: string): Promise<string> {
  if (await isWavFile(file)) return file;
  const target = path.join(workDir, `${path.basename(file, path.extname(file))}.wav`);
  await writeDecodedWav(file, target);
  return target;
}

/** Frames an AIFF is converted in: a bounded buffer, whatever the length of the take. */
const AIFF_BLOCK_FRAMES = 65_536;

/** Decodes a compressed file or an AIFF into a 32-bit float WAV at its own rate. */
async function writeDecodedWav(
  file: string,
  target: string,
): Promise<{ sampleRate: number; channels: number; frames: number }> {
  if ((await audioCodecOf(file)) === "aiff") return writeAiffAsWav(file, target);
  const decoded = await decodeAudioFile(file);
  checkChannels(path.basename(file), decoded.channels.length);
  const writer = await openAudioFileWriter(target, {
    format: "wav",
    bitDepth: "32f",
    sampleRate: decoded.sampleRate,
    channels: decoded.channels.length,
  });
  try {
    await writer.write(decoded.channels, 0, decoded.channels[0].length);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return {
    sampleRate: decoded.sampleRate,
    channels: decoded.channels.length,
    frames: decoded.channels[0].length,
  };
}

/** An AIFF streamed block by block into a 32-bit float WAV: samples unchanged, order swapped. */
async function writeAiffAsWav(
  file: string,
  target: string,
): Promise<{ sampleRate: number; channels: number; frames: number }> {
  const reader = AiffFileReader.open(file);
  try {
    const { sampleRate, channels, frames } = reader.info;
    checkChannels(path.basename(file), channels);
    const writer = await openAudioFileWriter(target, {
      format: "wav",
      bitDepth: "32f",
      sampleRate,
      channels,
    });
    try {
      const block = Array.from({ length: channels }, () => new Float32Array(AIFF_BLOCK_FRAMES));
      for (let at = 0; at < frames; at += AIFF_BLOCK_FRAMES) {
        const n = Math.min(AIFF_BLOCK_FRAMES, frames - at);
        reader.readFrames(at, n, block, 0);
        await writer.write(block, 0, n);
      }
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return { sampleRate, channels, frames };
  } finally {
    reader.close();
  }
}

function checkChannels(name: string, channels: number): void {
  if (channels > MAX_TRACK_CHANNELS) {
    throw new ControlRoomError(
      "E_SOURCE_CHANNELS",
      `${name} has ${channels} channels; tracks play mono or stereo sources, so split it into mono or stereo files first`,
      name,
    );
  }
}
