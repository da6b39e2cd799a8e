/**
 * Real-input FFTs of power-of-two sizes over fft.js (MIT, Fedor Indutny), with the inverse a
 * real signal needs: its Hermitian spectrum packed into a complex transform of half the size
 * (the even and odd samples as real and imaginary parts, the classic real-FFT split), rather
 * than a complex inverse of the full size.
 */
import FFT from "fft.js";

interface Plan {
  fft: FFT;
  /** Scratch for fft.js, 2·size values each: a real or complex input, and the output. */
  data: Float64Array;
  out: Float64Array;
}

/**
 * Plans and their scratch buffers, kept per size: a measurement transforms three times at one
 * size, and fresh buffers of tens of megabytes each time cost more in page faults than the
 * transforms themselves.
 */
const plans = new Map<number, Plan>();

function plan(size: number): Plan {
  let p = plans.get(size);
  if (!p) {
    p = { fft: new FFT(size), data: new Float64Array(2 * size), out: new Float64Array(2 * size) };
    plans.set(size, p);
  }
  return p;
}

export function powerOfTwoAtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(4, n)));
}

/**
 * The spectrum of `input` wrapped onto `size` samples (input[i] adds to sample i mod size; an
 * input no longer than `size` is simply zero-padded): bins 0 … size/2 as interleaved re, im,
 * size + 2 values.
 */
export function realSpectrum(input: ArrayLike<number>, size: number): Float64Array {
  const p = plan(size);
  const data = p.data.subarray(0, size);
  data.fill(0);
  for (let start = 0; start < input.length; start += size) {
    const end = Math.min(input.length, start + size);
    for (let i = start; i < end; i++) data[i - start] += input[i];
  }
  p.fft.realTransform(p.out, data);
  return p.out.slice(0, size + 2);
}

/** The first `length` samples of the real signal of `size` whose bins 0 … size/2 are `spectrum`. */
export function inverseRealSpectrum(
  spectrum: Float64Array,
  size: number,
  length = size,
): Float64Array {
  const half = size / 2;
  const p = plan(half);
  const packed = p.data.subarray(0, size);
  // Z = A + W^k B with A, B the half-size spectra of the even and odd samples (W = e^{-2πi/size}):
  // A = (Z[k] + conj Z[half−k]) / 2, B = (Z[k] − conj Z[half−k]) / 2 · W^{−k}; then a + ib = IFFT(A + iB).
  for (let k = 0; k < half; k++) {
    const zr = spectrum[2 * k];
    const zi = spectrum[2 * k + 1];
    const cr = spectrum[2 * (half - k)];
    const ci = -spectrum[2 * (half - k) + 1];
    const ar = (zr + cr) / 2;
    const ai = (zi + ci) / 2;
    const dr = (zr - cr) / 2;
    const di = (zi - ci) / 2;
    const angle = (2 * Math.PI * k) / size;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    const br = dr * wr - di * wi;
    const bi = dr * wi + di * wr;
    packed[2 * k] = ar - bi;
    packed[2 * k + 1] = ai + br;
  }
  const out = p.out.subarray(0, size);
  p.fft.inverseTransform(out, packed);
  // out holds a[m] + i·b[m] interleaved, which is exactly z[2m], z[2m+1].
  return out.slice(0, Math.min(length, size));
}
