/** Synthetic room responses for the tests and the benchmark: decays whose answer is known. */

/** A seeded Gaussian generator (mulberry32 + Box–Muller), so every run sees the same noise. */
export function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Noise under an exponential envelope that falls 60 dB in `rt60` seconds, plus steady noise
 * `noiseDb` below the decay's starting power; `delaySeconds` of noise before it starts.
 */
export function noisyDecay(options: {
  rt60: number;
  noiseDb: number;
  seconds: number;
  sampleRate: number;
  seed?: number;
  delaySeconds?: number;
}): Float64Array {
  const { rt60, noiseDb, seconds, sampleRate } = options;
  const random = gaussian(options.seed ?? 1);
  const delay = Math.round((options.delaySeconds ?? 0) * sampleRate);
  const out = new Float64Array(Math.round(seconds * sampleRate));
  const noise = 10 ** (noiseDb / 20);
  const decay = (3 * Math.LN10) / rt60;
  for (let n = 0; n < out.length; n++) {
    const t = (n - delay) / sampleRate;
    out[n] = (t >= 0 ? random() * Math.exp(-decay * t) : 0) + noise * random();
  }
  return out;
}
