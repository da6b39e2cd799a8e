/**
 * What the page and the audio thread share besides the parameter queue: the transport
 * (written by the audio thread, read by the page once per frame) and the peak meters. Each
 * value has one writer, the audio thread, so no locks are needed: the transport's integers go
 * through Atomics, and a meter is one float a reader may see a block late, never torn.
 */

/** Int32 slots of the transport. */
export const TRANSPORT_PLAYING = 0;
/** The audible frame: what the speakers play now, the limiter's look-ahead taken off. */
export const TRANSPORT_FRAME = 1;
/** Blocks that took longer than their time budget. */
export const TRANSPORT_OVERLOADS = 2;
/** 1 once the engine has a plan and its sources. */
export const TRANSPORT_READY = 3;
export const TRANSPORT_INTS = 4;

/** Meter floats: master left, master right, then one peak per track in plan order. */
export const METER_MASTER_LEFT = 0;
export const METER_MASTER_RIGHT = 1;
export const METER_FIRST_TRACK = 2;

/** Queue targets other than a track's index in the plan. */
export const TARGET_MASTER = -1;
export const TARGET_TRANSPORT = -2;

/** Parameter codes on a strip: a number on the queue, a parameter path in the engine. */
export const STRIP_PARAMETERS = ["faderDb", "pan", "mute"] as const;
export const CODE_SOLO_MUTED = 3;

/** Transport codes (target TARGET_TRANSPORT). */
export const TRANSPORT_PLAY = 0;
export const TRANSPORT_STOP = 1;
/** Value: the frame to play from. */
export const TRANSPORT_LOCATE = 2;

/** A source decoded into shared memory, one Float32Array per channel. */
export interface SharedSource {
  id: string;
  sampleRate: number;
  frames: number;
  channels: Float32Array[];
}

/** Handed to the processor when it is made. */
export interface EngineMemory {
  queue: SharedArrayBuffer;
  transport: SharedArrayBuffer;
  meters: SharedArrayBuffer;
}

/** Meter floats for a plan of `tracks` tracks. */
export function meterCount(tracks: number): number {
  return METER_FIRST_TRACK + tracks;
}
