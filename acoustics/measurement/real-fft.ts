/**
 * Real-input FFTs of power-of-two sizes over fft.js (MIT, Fedor Indutny), with the inverse a
 * real signal needs: its Hermitian spectrum packed into a complex transform of half the size
 * (the even and odd samples as real and imaginary parts, the classic real-FFT split), rather
 * than a complex inverse of the full size.
 */
import FFT from "fft.js";

const plans = new Map<number, FFT>();

function plan(size: number): FFT {
  let p = plans.get(size);
  if (!p) {
    p = new FFT(size);
    plans.set(size, p);
  }
  return p;
}

export function powerOfTwoAtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(4, n)));
}

/**
 * The spectrum of `input` zero-padded to `size`: bins 0 … size/2 as interleaved re, im in a
 * Float64Array of size + 2 values.
 */
export function realSpectrum(input: ArrayLike<number>, size: number): Float64Array {
  const data = new Float64Array(size);
  const n = Math.min(size, input.length);
  for (let i = 0; i < n; i++) data[i] = input[i];
  const out = new Float64Array(2 * size);
  plan(size).realTransform(out, data);
  return out.subarray(0, size + 2);
}

/** The real signal of length `size` whose bins 0 … size/2 are `spectrum` (interleaved). */
export function inverseRealSpectrum(spectrum: Float64Array, size: number): Float64Array {
  const half = size / 2;
  const packed = new Float64Array(size);
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
  const out = new Float64Array(size);
  plan(half).inverseTransform(out, packed);
  // out holds a[m] + i·b[m] interleaved, which is exactly z[2m], z[2m+1].
  return out;
}
