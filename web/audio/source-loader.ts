import { parseWavHeader } from "../../formats/wav/header.ts";
import { decodePcm } from "../../formats/wav/pcm.ts";
import type { AudioSource } from "../../music/project.ts";
import type { SharedSource } from "./engine-memory.ts";

/**
 * Fetches a WAV source from the studio and decodes it into shared memory the audio thread
 * reads: one Float32Array per channel on a SharedArrayBuffer. This first cut holds each
 * source whole; streaming byte ranges into ring buffers is the next step.
 */
export async function loadSharedSource(
  projectId: string,
  source: AudioSource,
  signal?: AbortSignal,
): Promise<SharedSource> {
  const name = source.file.split("/").map(encodeURIComponent).join("/");
  const response = await fetch(`/api/projects/${encodeURIComponent(projectId)}/files/${name}`, {
    credentials: "same-origin",
    signal,
  });
  if (!response.ok) throw new Error(`${source.file} could not be loaded (${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const info = parseWavHeader(bytes, bytes.byteLength, source.file);
  const channels = Array.from(
    { length: info.channels },
    () => new Float32Array(new SharedArrayBuffer(info.frames * 4)),
  );
  decodePcm(bytes.subarray(info.dataOffset), info, info.frames, channels, 0);
  return { id: source.id, sampleRate: info.sampleRate, frames: info.frames, channels };
}
