/**
 * The decay of one band's impulse response: Schroeder's backward integration (1965) with the
 * noise floor handled by Lundeby's method (Lundeby, Vigran, Bietz & Vorländer 1995, Acta
 * Acustica 81), and the ISO 3382-1 parameters read from it.
 */

export interface DecayCurve {
  /** Schroeder curve in dB re its start, one value per sample from the onset to `end`. */
  db: Float64Array;
  sampleRate: number;
  /** Lundeby's crossing point: where the decay meets the noise (or the end), samples from onset. */
  crossing: number;
  /** Noise floor against the envelope's peak, dB; −Infinity when the decay never reaches one. */
  noiseDb: number;
  /** How far the decay falls before the noise (or the end of the response), dB. */
  dynamicRangeDb: number;
  /** true when the response ends before its decay meets a noise floor. */
  endsBeforeNoise: boolean;
  /** The squared response from the onset with the noise subtracted, up to `crossing`. */
  energy: Float64Array;
  /** Energy past the crossing point, estimated from the late decay, in the same units. */
  tailEnergy: number;
}

interface Line {
  intercept: number;
  slope: number;
}

/** Least squares y = intercept + slope·x over points i in [from, to). */
function fitLine(
  y: ArrayLike<number>,
  from: number,
  to: number,
  x: (i: number) => number = (i) => i,
): Line & { r2: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = from; i < to; i++) {
    const xi = x(i);
    const yi = y[i];
    n++;
    sx += xi;
    sy += yi;
    sxx += xi * xi;
    sxy += xi * yi;
    syy += yi * yi;
  }
  const varX = n * sxx - sx * sx;
  const slope = varX === 0 ? 0 : (n * sxy - sx * sy) / varX;
  const intercept = (sy - slope * sx) / n;
  const varY = n * syy - sy * sy;
  const r2 = varX === 0 || varY === 0 ? 1 : (n * sxy - sx * sy) ** 2 / (varX * varY);
  return { intercept, slope, r2 };
}

export { fitLine };

/** Mean energy over consecutive blocks of `block` samples, in dB, and each block's centre. */
function envelope(
  energy: Float64Array,
  block: number,
  upTo = energy.length,
): { db: Float64Array; centre: (i: number) => number } {
  const count = Math.max(1, Math.floor(upTo / block));
  const db = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let sum = 0;
    for (let i = b * block; i < (b + 1) * block; i++) sum += energy[i];
    db[b] = 10 * Math.log10(sum / block + 1e-300);
  }
  return { db, centre: (i: number) => (i + 0.5) * block };
}

function meanDb(energy: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += energy[i];
  return 10 * Math.log10(sum / Math.max(1, to - from) + 1e-300);
}

/** Lundeby's first look averages over 10 ms; later intervals give 5 per 10 dB of decay. */
const FIRST_INTERVAL_S = 0.01;
const INTERVALS_PER_10_DB = 5;

/**
 * `energy` is the squared response from its onset. Returns the Schroeder curve with Lundeby's
 * truncation, noise subtraction and compensation for the decay lost under the noise.
 */
export function schroederDecay(squared: Float64Array, sampleRate: number): DecayCurve {
  const n = squared.length;
  const first = Math.max(1, Math.round(FIRST_INTERVAL_S * sampleRate));
  const env = envelope(squared, first);
  let peakDb = Number.NEGATIVE_INFINITY;
  let peakAt = 0;
  for (let i = 0; i < env.db.length; i++) {
    if (env.db[i] > peakDb) {
      peakDb = env.db[i];
      peakAt = i;
    }
  }
  // Step 1: noise from the last 10 %; if the envelope still falls there, there is no floor.
  const lastTenth = Math.floor(0.9 * n);
  let noiseDb = meanDb(squared, lastTenth, n);
  const lastBlocks = Math.max(2, Math.floor(env.db.length / 10));
  const late = fitLine(env.db, env.db.length - lastBlocks, env.db.length, env.centre);
  // Still falling at half the rate of the decay before it: the response ended, no floor yet.
  const lastTenthBlock = Math.floor(0.9 * env.db.length);
  const early = fitLine(env.db, peakAt, Math.max(peakAt + 2, lastTenthBlock), env.centre);
  const endsBeforeNoise = early.slope < 0 && late.slope < 0.5 * early.slope;

  let crossing = n;
  let lateLine: Line;
  if (endsBeforeNoise) {
    noiseDb = Number.NEGATIVE_INFINITY;
    lateLine = decayFit(
      env.db,
      env.centre,
      peakAt,
      env.db[env.db.length - 1] + 20,
      env.db[env.db.length - 1],
    );
  } else {
    // Step 2–3: a first decay line from the peak to 10 dB above the noise, and where it meets it.
    let line = decayFit(env.db, env.centre, peakAt, peakDb, noiseDb + 10);
    crossing = clampCrossing((noiseDb - line.intercept) / line.slope, n);
    for (let iteration = 0; iteration < 5; iteration++) {
      // Step 4: intervals giving 5 per 10 dB of decay.
      const slopePerSample = Math.min(line.slope, -1e-9);
      // A decay too slow to measure would ask for intervals longer than the response.
      const block = Math.max(
        1,
        Math.min(Math.floor(n / 4), Math.round(-10 / slopePerSample / INTERVALS_PER_10_DB)),
      );
      // Step 5: noise from 5–10 dB of decay past the crossing, at least the last 10 %.
      const noiseFrom = Math.min(Math.round(crossing + -7.5 / slopePerSample), lastTenth);
      noiseDb = meanDb(squared, Math.max(0, noiseFrom), n);
      // Step 6: the late decay, from 5 dB above the noise up over 20 dB of range.
      const fine = envelope(squared, block, n);
      line = decayFit(fine.db, fine.centre, 0, noiseDb + 25, noiseDb + 5);
      const next = clampCrossing((noiseDb - line.intercept) / line.slope, n);
      const moved = Math.abs(next - crossing);
      crossing = next;
      if (moved < 0.001 * sampleRate) break;
    }
    lateLine = line;
  }

  // The energy up to the crossing, less the noise under it; the tail past it from the late line.
  const noise = Number.isFinite(noiseDb) ? 10 ** (noiseDb / 10) : 0;
  const energy = new Float64Array(crossing);
  for (let i = 0; i < crossing; i++) energy[i] = squared[i] - noise;
  const slope = Math.min(lateLine.slope, -1e-12);
  const atCrossing = 10 ** ((lateLine.intercept + slope * crossing) / 10);
  const tailEnergy = (atCrossing * -10) / (slope * Math.LN10);

  const db = new Float64Array(crossing);
  let sum = tailEnergy;
  for (let i = crossing - 1; i >= 0; i--) {
    sum += energy[i];
    db[i] = sum;
  }
  const total = db[0] > 0 ? db[0] : 1;
  for (let i = 0; i < crossing; i++) db[i] = 10 * Math.log10(Math.max(db[i], 1e-300) / total);

  const endDb = env.db[env.db.length - 1];
  const dynamicRangeDb = endsBeforeNoise ? peakDb - endDb : peakDb - noiseDb;
  return {
    db,
    sampleRate,
    crossing,
    noiseDb: noiseDb - peakDb,
    dynamicRangeDb,
    endsBeforeNoise,
    energy,
    tailEnergy,
  };
}

function clampCrossing(at: number, n: number): number {
  if (!Number.isFinite(at)) return n;
  return Math.max(Math.min(Math.round(at), n), Math.min(n, 16));
}

/** A line through the envelope blocks from `from` on whose level lies between `top` and `bottom`. */
function decayFit(
  db: Float64Array,
  centre: (i: number) => number,
  from: number,
  top: number,
  bottom: number,
): Line {
  let start = from;
  while (start < db.length - 1 && db[start] > top) start++;
  let stop = start;
  while (stop < db.length && db[stop] > bottom) stop++;
  if (stop - start < 2) {
    start = Math.max(0, Math.min(start, db.length - 2));
    stop = Math.min(db.length, start + 2);
  }
  const line = fitLine(db, start, stop, centre);
  return line.slope < 0 ? line : { intercept: line.intercept, slope: -1e-9 };
}

export interface DecayReading {
  seconds: number;
  /** Non-linearity ξ of the fit (ISO 3382-2 Annex C), per mille. */
  xiPerMille: number;
}

/**
 * T from a line fitted to the Schroeder curve between `topDb` and `bottomDb` (ISO 3382-1 §5.3.3),
 * extrapolated to 60 dB; null when the curve does not reach `bottomDb`.
 */
export function readDecay(curve: DecayCurve, topDb: number, bottomDb: number): DecayReading | null {
  const { db } = curve;
  let start = 0;
  while (start < db.length && db[start] > topDb) start++;
  let stop = start;
  while (stop < db.length && db[stop] > bottomDb) stop++;
  if (stop >= db.length || stop - start < 3) return null;
  const line = fitLine(db, start, stop + 1);
  if (!(line.slope < 0)) return null;
  return { seconds: -60 / (line.slope * curve.sampleRate), xiPerMille: 1000 * (1 - line.r2) };
}
