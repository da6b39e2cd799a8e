/**
 * What a recording of the sweep must be before it is worth deconvolving: not silence, not
 * clipped (a clipped sweep deconvolves into distortion products smeared over the decay).
 */
import { ControlRoomError } from "../../music/errors.ts";

/** Below this peak the microphone was off or muted: −80 dBFS is the noise of a good interface. */
const SILENT_DBFS = -80;
/** A sample this close to full scale, three in a row, is the converter's ceiling. */
const FULL_SCALE = 0.999;
const RUN = 3;

export function checkRecording(samples: ArrayLike<number>, sampleRate: number, name: string): void {
  let peak = 0;
  let clipped = 0;
  let firstClip = -1;
  let run = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i]);
    if (v > peak) peak = v;
    if (v >= FULL_SCALE) {
      run++;
      if (run === RUN) {
        clipped += RUN;
        if (firstClip < 0) firstClip = i - RUN + 1;
      } else if (run > RUN) clipped++;
    } else run = 0;
  }
  const peakDb = peak > 0 ? 20 * Math.log10(peak) : Number.NEGATIVE_INFINITY;
  if (peakDb < SILENT_DBFS) {
    throw new ControlRoomError(
      "E_IR_SILENT",
      `${name} is silent (its peak is ${Number.isFinite(peakDb) ? `${peakDb.toFixed(1)} dBFS` : "-inf dBFS"}): check that the microphone is on, its input armed and the speakers playing, then record again`,
      name,
    );
  }
  if (clipped > 0) {
    throw new ControlRoomError(
      "E_IR_CLIPPED",
      `${name} clips: ${clipped} samples sit at full scale, the first at ${(firstClip / sampleRate).toFixed(2)} s; turn the playback or the input gain down by 6 dB and record again`,
      name,
    );
  }
}

/** A response that barely rises above its own noise came from a recording without the sweep. */
const MIN_DYNAMIC_RANGE_DB = 20;

export function checkHoldsSweep(dynamicRangeDb: number, name: string): void {
  if (!(dynamicRangeDb >= MIN_DYNAMIC_RANGE_DB)) {
    throw new ControlRoomError(
      "E_IR_NO_SWEEP",
      `${name} does not seem to hold the sweep: its impulse response rises only ${Math.max(0, dynamicRangeDb).toFixed(0)} dB above its noise (a measurement gives 40 dB or more); was it recorded while this sweep played, louder than the room's noise?`,
      name,
    );
  }
}
