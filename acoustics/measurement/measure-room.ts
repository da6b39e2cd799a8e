/**
 * The whole measurement: a recording of the sweep → its impulse response → the room's
 * parameters per octave and broadband, and its frequency response.
 */
import { ControlRoomError } from "../../music/errors.ts";
import { deconvolveSweep, type ImpulseResponse } from "./deconvolve.ts";
import { type FrequencyResponse, frequencyResponse } from "./frequency-response.ts";
import { checkHoldsSweep, checkRecording } from "./recording-check.ts";
import { onsetIndex, type RoomParameters, roomParameters } from "./room-parameters.ts";

export interface RoomMeasurement {
  impulse: ImpulseResponse;
  parameters: RoomParameters;
  frequencyResponse: FrequencyResponse;
}

export interface MeasureOptions {
  fromHz: number;
  toHz: number;
  recordingName: string;
  sweepName: string;
}

/** Frames of `sweep` up to its last non-zero sample: the sweep without its trailing silence. */
export function sweepFrames(sweep: ArrayLike<number>): number {
  let last = sweep.length - 1;
  while (last >= 0 && sweep[last] === 0) last--;
  return last + 1;
}

export function measureRoom(
  recording: { samples: Float32Array | Float64Array; sampleRate: number },
  sweep: { samples: Float32Array | Float64Array; sampleRate: number },
  options: MeasureOptions,
): RoomMeasurement {
  if (recording.sampleRate !== sweep.sampleRate) {
    throw new ControlRoomError(
      "E_IR_RATE",
      `${options.recordingName} is at ${recording.sampleRate} Hz and ${options.sweepName} at ${sweep.sampleRate} Hz; record at the sweep's rate (or make the sweep at the recorder's with --rate)`,
      options.recordingName,
    );
  }
  const frames = sweepFrames(sweep.samples);
  if (frames === 0) {
    throw new ControlRoomError(
      "E_IR_SWEEP",
      `${options.sweepName} is silence, not a sweep`,
      options.sweepName,
    );
  }
  checkRecording(recording.samples, recording.sampleRate, options.recordingName);
  const impulse = deconvolveSweep(recording.samples, sweep.samples, {
    sampleRate: recording.sampleRate,
    fromHz: options.fromHz,
    toHz: Math.min(options.toHz, recording.sampleRate / 2),
    sweepFrames: frames,
    recordingName: options.recordingName,
  });
  const parameters = roomParameters(impulse);
  checkHoldsSweep(parameters.broadband.dynamicRangeDb, options.recordingName);
  // The response from just before the direct sound, for as long as the decay is above noise.
  const onset = onsetIndex(impulse.samples);
  const start = Math.max(0, onset - Math.round(0.001 * impulse.sampleRate));
  const window = impulse.samples.slice(
    start,
    Math.min(impulse.samples.length, start + impulse.sampleRate),
  );
  return {
    impulse,
    parameters,
    frequencyResponse: frequencyResponse(window, impulse.sampleRate, {
      fromHz: Math.max(20, options.fromHz),
      toHz: options.toHz,
    }),
  };
}
