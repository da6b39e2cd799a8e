/** Reading room.json and the audio of a measurement; writing the sweep. */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { decodeAudioFile } from "../../formats/node/decode-file.ts";
import { fileError } from "../../formats/node/pending-file.ts";
import { WavFileWriter } from "../../formats/node/wav-file.ts";
import { ControlRoomError } from "../../music/errors.ts";
import {
  type MeasureOptions,
  measureRoom,
  type RoomMeasurement,
} from "../measurement/measure-room.ts";
import type { Sweep } from "../measurement/sweep.ts";
import { parseRoom, type Room } from "../room-file.ts";

export async function readRoomFile(path: string): Promise<Room> {
  const fileName = basename(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw fileError(error, "E_FILE_READ", fileName, "cannot be read");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ControlRoomError(
      "E_ROOM_JSON",
      `${fileName} is not JSON: ${(error as Error).message}`,
      fileName,
    );
  }
  return parseRoom(json, fileName);
}

/** The first channel of an audio file (a measurement microphone is mono). */
export async function readMeasurementAudio(
  path: string,
): Promise<{ samples: Float32Array; sampleRate: number; channels: number }> {
  const decoded = await decodeAudioFile(path);
  return {
    samples: decoded.channels[0],
    sampleRate: decoded.sampleRate,
    channels: decoded.channels.length,
  };
}

/**
 * The sweep as mono 24-bit WAV, rounded without dither: at 24 bits the error is 140 dB down,
 * and the silence after the sweep stays exact zeros, which is how the analysis finds its end.
 */
export async function writeSweepFile(path: string, sweep: Sweep): Promise<void> {
  const writer = WavFileWriter.open(path, {
    channels: 1,
    sampleRate: sweep.sampleRate,
    encoding: "int",
    bitsPerSample: 24,
    dither: "none",
  });
  try {
    writer.write([sweep.samples], 0, sweep.samples.length);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

export async function measureRoomFiles(
  recordingPath: string,
  sweepPath: string,
  options: Pick<MeasureOptions, "fromHz" | "toHz">,
): Promise<RoomMeasurement & { channels: number }> {
  const [recording, sweep] = await Promise.all([
    readMeasurementAudio(recordingPath),
    readMeasurementAudio(sweepPath),
  ]);
  const measurement = measureRoom(recording, sweep, {
    ...options,
    recordingName: basename(recordingPath),
    sweepName: basename(sweepPath),
  });
  return { ...measurement, channels: recording.channels };
}
