import type { PanLaw } from "../../music/strip.ts";

/** Left and right gains of a pan position; filled in place so the audio thread allocates nothing. */
export interface PanGains {
  left: number;
  right: number;
}

const QUARTER_PI = Math.PI / 4;
const scratch = new Float64Array(1);

/**
 * Pan gains for the four laws of music/strip.ts. pan runs from −1 (hard left) to +1 (hard
 * right); θ = (pan + 1)·π/4 runs from 0 to π/2.
 *
 *   "-3dB"   L = cos θ                     R = sin θ                     centre −3.01 dB
 *            constant power: L² + R² = 1 everywhere (the sine/cosine law).
 *   "-6dB"   L = (1 − pan)/2               R = (1 + pan)/2               centre −6.02 dB
 *            constant amplitude: L + R = 1, so a mono sum keeps its level.
 *   "-4.5dB" L = √(cos θ · (1 − pan)/2)    R = √(sin θ · (1 + pan)/2)    centre −4.52 dB
 *            the geometric mean of the two laws above (their dB values averaged).
 *   "0dB"    L = min(1, 1 − pan)           R = min(1, 1 + pan)           centre 0 dB
 *            balance: the near side stays at unity, the far side fades linearly.
 *
 * Every law gives exactly (1, 0) at pan = −1 and (0, 1) at pan = +1, and "0dB" gives
 * exactly (1, 1) at the centre, so a centred strip at unity is bit-transparent. sin θ is
 * computed as cos(π/2 − θ) = cos((1 − pan)·π/4), which makes every law mirror-symmetric
 * bit for bit: gains(−pan) = swapped gains(pan). pan outside −1..+1 is clamped.
 */
export function panGains(law: PanLaw, pan: number, out: PanGains): PanGains {
  scratch[0] = pan;
  return panGainsAt(law, scratch, 0, out);
}

/**
 * panGains for pans[index]: the audio thread's entry point. The pan position stays in its
 * array, because V8 boxes a double passed as an argument to a call it does not inline.
 */
export function panGainsAt(
  law: PanLaw,
  pans: Float64Array,
  index: number,
  out: PanGains,
): PanGains {
  const pan = pans[index];
  if (pan <= -1) {
    out.left = 1;
    out.right = 0;
    return out;
  }
  if (pan >= 1) {
    out.left = 0;
    out.right = 1;
    return out;
  }
  switch (law) {
    case "0dB":
      out.left = pan <= 0 ? 1 : 1 - pan;
      out.right = pan >= 0 ? 1 : 1 + pan;
      break;
    case "-6dB":
      out.left = (1 - pan) / 2;
      out.right = (1 + pan) / 2;
      break;
    case "-4.5dB":
      out.left = Math.sqrt((Math.cos((pan + 1) * QUARTER_PI) * (1 - pan)) / 2);
      out.right = Math.sqrt((Math.cos((1 - pan) * QUARTER_PI) * (1 + pan)) / 2);
      break;
    default:
      // "-3dB"
      out.left = Math.cos((pan + 1) * QUARTER_PI);
      out.right = Math.cos((1 - pan) * QUARTER_PI);
      break;
  }
  return out;
}
