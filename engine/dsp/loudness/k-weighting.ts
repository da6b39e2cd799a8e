import { ControlRoomError } from "../../../music/errors.ts";
import type { BiquadCoefficients } from "../biquad.ts";

/**
 * The K-weighting pre-filter of ITU-R BS.1770-5 §2.1: a high shelf modelling the head
 * (stage 1) followed by the RLB high-pass (stage 2).
 *
 * BS.1770 tabulates both stages only at 48 kHz. At other rates they are the bilinear
 * transforms of the analogue prototypes those tables come from (the parameters fitted by
 * libebur128 and used by pyloudnorm); at 48 kHz they reproduce the table to about 1e-14.
 */
export interface KWeighting {
  shelf: BiquadCoefficients;
  highPass: BiquadCoefficients;
}

const SHELF_HZ = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
/** Exponent taking the shelf's high-frequency gain Vh to its mid-band gain Vb. */
const SHELF_VB_EXPONENT = 0.4996667741545416;
const HIGH_PASS_HZ = 38.13547087602444;
const HIGH_PASS_Q = 0.5003270373238773;

export const MIN_LOUDNESS_RATE = 8000;
export const MAX_LOUDNESS_RATE = 384_000;

export function kWeighting(sampleRate: number): KWeighting {
  checkLoudnessRate(sampleRate);
  let k = Math.tan((Math.PI * SHELF_HZ) / sampleRate);
  const vh = 10 ** (SHELF_GAIN_DB / 20);
  const vb = vh ** SHELF_VB_EXPONENT;
  let a0 = 1 + k / SHELF_Q + k * k;
  const shelf = {
    b0: (vh + (vb * k) / SHELF_Q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / SHELF_Q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / SHELF_Q + k * k) / a0,
  };
  k = Math.tan((Math.PI * HIGH_PASS_HZ) / sampleRate);
  a0 = 1 + k / HIGH_PASS_Q + k * k;
  // BS.1770 keeps the numerator 1, −2, 1 unnormalised; the −0.691 dB offset of the loudness
  // formula absorbs the resulting gain, so it must stay as the table has it.
  const highPass = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / HIGH_PASS_Q + k * k) / a0,
  };
  return { shelf, highPass };
}

/** The meters take the rates the WAV reader takes; outside them the prototypes were not checked. */
export function checkLoudnessRate(sampleRate: number): void {
  if (
    !Number.isFinite(sampleRate) ||
    sampleRate < MIN_LOUDNESS_RATE ||
    sampleRate > MAX_LOUDNESS_RATE
  ) {
    throw new ControlRoomError(
      "E_LOUDNESS_SAMPLE_RATE",
      `a sample rate of ${sampleRate} Hz cannot be measured; loudness is measured from ${MIN_LOUDNESS_RATE} to ${MAX_LOUDNESS_RATE} Hz`,
      "sampleRate",
    );
  }
}
