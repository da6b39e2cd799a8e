/**
 * Peaks in the BBC audiowaveform binary format, version 2 (the `.dat` files that
 * `audiowaveform` writes and `waveform-data` reads): a 24-byte little-endian header
 * (version, flags — bit 0 set for 8-bit values —, sample rate, samples per pixel, length in
 * pixels, channels), then per pixel and per channel a minimum and a maximum. We write 16-bit
 * values: a sample of full scale (±1) is ±32767.
 */
const HEADER_BYTES = 24;

/**
 * Min/max per `samplesPerPixel` frames of each channel, fed in blocks of any length, so a
 * file is measured as it is read. The last pixel may cover fewer frames.
 */
export class PeaksBuilder {
  readonly sampleRate: number;
  readonly channels: number;
  readonly samplesPerPixel: number;
  /** Per pixel, per channel: min, max (as int16). */
  private values: Int16Array;
  private pixels = 0;
  private inPixel = 0;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(sampleRate: number, channels: number, samplesPerPixel: number) {
    if (!Number.isInteger(samplesPerPixel) || samplesPerPixel < 2) {
      throw new RangeError(
        `samples per pixel must be an integer of at least 2, not ${samplesPerPixel}`,
      );
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.samplesPerPixel = samplesPerPixel;
    this.values = new Int16Array(1024 * channels * 2);
    this.min = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(channels).fill(Number.NEGATIVE_INFINITY);
  }

  /** Adds `frames` frames of planar samples from `offset`. */
  add(samples: ArrayLike<number>[], offset: number, frames: number): void {
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < this.channels; c++) {
        const v = samples[c][offset + i];
        if (v < this.min[c]) this.min[c] = v;
        if (v > this.max[c]) this.max[c] = v;
      }
      if (++this.inPixel === this.samplesPerPixel) this.closePixel();
    }
  }

  /** The .dat file; a part-filled last pixel is kept. */
  finish(): Uint8Array {
    if (this.inPixel > 0) this.closePixel();
    return datFile(
      this.sampleRate,
      this.samplesPerPixel,
      this.channels,
      this.values.subarray(0, this.pixels * this.channels * 2),
    );
  }

  private closePixel(): void {
    const width = this.channels * 2;
    if ((this.pixels + 1) * width > this.values.length) {
      const grown = new Int16Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const at = this.pixels * width;
    for (let c = 0; c < this.channels; c++) {
      this.values[at + 2 * c] = toInt16(this.min[c]);
      this.values[at + 2 * c + 1] = toInt16(this.max[c]);
      this.min[c] = Number.POSITIVE_INFINITY;
      this.max[c] = Number.NEGATIVE_INFINITY;
    }
    this.pixels++;
    this.inPixel = 0;
  }
}

function toInt16(v: number): number {
  const scaled = Math.round(v * 32767);
  return scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
}

/** Writes a version 2, 16-bit .dat file from interleaved min/max values. */
export function datFile(
  sampleRate: number,
  samplesPerPixel: number,
  channels: number,
  values: Int16Array,
): Uint8Array {
  const pixels = values.length / (channels * 2);
  const bytes = new Uint8Array(HEADER_BYTES + values.length * 2);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 2, true);
  view.setUint32(4, 0, true);
  view.setInt32(8, sampleRate, true);
  view.setInt32(12, samplesPerPixel, true);
  view.setUint32(16, pixels, true);
  view.setInt32(20, channels, true);
  for (let i = 0; i < values.length; i++) view.setInt16(HEADER_BYTES + 2 * i, values[i], true);
  return bytes;
}

/**
 * A coarser level from a finer .dat of the same file: every `factor` pixels become one
 * (min of the minima, max of the maxima), exactly what measuring at that scale gives.
 */
export function coarserDat(fine: Uint8Array, factor: number): Uint8Array {
  const view = new DataView(fine.buffer, fine.byteOffset, fine.byteLength);
  const sampleRate = view.getInt32(8, true);
  const samplesPerPixel = view.getInt32(12, true);
  const pixels = view.getUint32(16, true);
  const channels = view.getInt32(20, true);
  const coarsePixels = Math.ceil(pixels / factor);
  const values = new Int16Array(coarsePixels * channels * 2);
  for (let p = 0; p < coarsePixels; p++) {
    for (let c = 0; c < channels; c++) {
      let min = 32767;
      let max = -32768;
      for (let q = p * factor; q < Math.min(pixels, (p + 1) * factor); q++) {
        const at = HEADER_BYTES + 2 * (q * channels * 2 + 2 * c);
        min = Math.min(min, view.getInt16(at, true));
        max = Math.max(max, view.getInt16(at + 2, true));
      }
      values[(p * channels + c) * 2] = min;
      values[(p * channels + c) * 2 + 1] = max;
    }
  }
  return datFile(sampleRate, samplesPerPixel * factor, channels, values);
}
