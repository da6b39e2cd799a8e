import type { MixPlan } from "../mix/mix-plan.ts";
import { allocateTrackChunk, blocksPerChunk, type TrackChunk } from "../mix/mixer.ts";

/** Bytes of shared memory one set of track chunks needs. */
export function sharedChunkBytes(plan: MixPlan, chunkFrames: number, blockFrames: number): number {
  let values = 0;
  for (const track of plan.tracks) {
    values += 2 * (1 + track.strip.sends.length + (track.isKey ? 1 : 0)) * chunkFrames;
    values += blocksPerChunk(chunkFrames, blockFrames);
  }
  return values * Float64Array.BYTES_PER_ELEMENT;
}

/**
 * Lays every track's chunk buffers over one SharedArrayBuffer, in plan order, so the main
 * thread and the workers that share it see the same views.
 */
export function sharedTrackChunks(
  plan: MixPlan,
  chunkFrames: number,
  blockFrames: number,
  memory: SharedArrayBuffer,
): TrackChunk[] {
  let offset = 0;
  const allocate = (frames: number) => {
    const view = new Float64Array(memory, offset, frames);
    offset += frames * Float64Array.BYTES_PER_ELEMENT;
    return view;
  };
  return plan.tracks.map((track) => allocateTrackChunk(track, chunkFrames, blockFrames, allocate));
}
