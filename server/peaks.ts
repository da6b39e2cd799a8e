import { parseWavHeader } from "../formats/wav/header.ts";
import { decodePcm } from "../formats/wav/pcm.ts";
import { coarserDat, PeaksBuilder } from "../formats/waveform/audiowaveform-dat.ts";
import { ControlRoomError } from "../music/errors.ts";
import { type BlobStore, readBlob } from "../store/blob-store.ts";

/**
 * The zoom levels the studio serves, in source frames per pixel. The finest is measured from
 * the audio; each coarser one is made from the one below it (min of minima, max of maxima),
 * so all of them come from one pass over the file. The page picks the finest level at or
 * below its zoom and lets waveform-data resample it.
 */
export const PEAK_LEVELS = [256, 2048, 16_384] as const;
export type PeakLevel = (typeof PEAK_LEVELS)[number];

/** Frames decoded at a time, so a file is measured without a float copy of all of it. */
const DECODE_FRAMES = 65_536;

/** Cached .dat files, by blob and level: a blob never changes, so an entry is never stale. */
const CACHE_BYTES = 64 * 1024 * 1024;

export class PeaksCache {
  private readonly entries = new Map<string, Promise<Uint8Array>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  private readonly blobs: BlobStore;

  constructor(blobs: BlobStore) {
    this.blobs = blobs;
  }

  /** The .dat of a WAV blob at one level: measured once per blob, then from memory. */
  peaks(sha256: string, name: string, level: PeakLevel): Promise<Uint8Array> {
    const key = `${sha256}:${level}`;
    const held = this.entries.get(key);
    if (held) {
      // Most recently used last, so the oldest go first when the cache is full.
      this.entries.delete(key);
      this.entries.set(key, held);
      return held;
    }
    const levels = this.measure(sha256, name);
    for (const [i, each] of PEAK_LEVELS.entries()) {
      const entry = levels.then((all) => all[i]);
      this.entries.set(`${sha256}:${each}`, entry);
      entry.then(
        (dat) => this.account(`${sha256}:${each}`, dat.byteLength),
        () => this.entries.delete(`${sha256}:${each}`),
      );
    }
    return this.entries.get(key)!;
  }

  private account(key: string, size: number): void {
    this.sizes.set(key, size);
    this.bytes += size;
    for (const old of this.entries.keys()) {
      if (this.bytes <= CACHE_BYTES) break;
      if (old === key || !this.sizes.has(old)) continue;
      this.bytes -= this.sizes.get(old)!;
      this.sizes.delete(old);
      this.entries.delete(old);
    }
  }

  private async measure(sha256: string, name: string): Promise<Uint8Array[]> {
    const bytes = await readBlob(this.blobs, sha256);
    const fine = wavPeaks(bytes, name, PEAK_LEVELS[0]);
    const levels = [fine];
    for (let i = 1; i < PEAK_LEVELS.length; i++) {
      levels.push(coarserDat(levels[i - 1], PEAK_LEVELS[i] / PEAK_LEVELS[i - 1]));
    }
    return levels;
  }
}

/** Measures a whole WAV file into a .dat at `samplesPerPixel`. */
export function wavPeaks(bytes: Uint8Array, name: string, samplesPerPixel: number): Uint8Array {
  if (!(bytes.byteLength >= 12 && ascii(bytes, 0) === "RIFF" && ascii(bytes, 8) === "WAVE")) {
    throw new ControlRoomError(
      "E_PEAKS_UNSUPPORTED",
      `${name}: peaks are made from WAV files, and this is not one`,
      name,
    );
  }
  const info = parseWavHeader(bytes, bytes.byteLength, name);
  const builder = new PeaksBuilder(info.sampleRate, info.channels, samplesPerPixel);
  const block = Array.from({ length: info.channels }, () => new Float32Array(DECODE_FRAMES));
  for (let at = 0; at < info.frames; at += DECODE_FRAMES) {
    const frames = Math.min(DECODE_FRAMES, info.frames - at);
    const from = info.dataOffset + at * info.blockAlign;
    decodePcm(bytes.subarray(from, from + frames * info.blockAlign), info, frames, block, 0);
    builder.add(block, 0, frames);
  }
  return builder.finish();
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}
