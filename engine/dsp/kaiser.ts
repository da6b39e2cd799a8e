/**
 * The Kaiser window and Kaiser's design formulas for windowed-sinc lowpass filters.
 *
 * References: J.F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window
 * function", Proc. IEEE ISCAS 1974; A.V. Oppenheim & R.W. Schafer, "Discrete-Time Signal
 * Processing", 3rd ed., §7.6.1, eqs. 7.62 (β) and 7.63 (order).
 */

/**
 * Modified Bessel function of the first kind, order 0, by its power series
 * I0(x) = Σ ((x/2)^k / k!)². Every term is positive, so the sum has no cancellation and
 * converges to full double precision in about 2·|x| terms for the β values filters use.
 */
export function besselI0(x: number): number {
  const q = (x / 2) * (x / 2);
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's β for a stopband attenuation of `attenuationDb` (O&S eq. 7.62). */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  return 0;
}

/**
 * Kaiser's estimate of the filter order (length − 1, in samples) that reaches
 * `attenuationDb` with a transition band `transitionWidth` wide, in cycles per sample:
 * M = (A − 8) / (2.285 · 2π · Δf) (O&S eq. 7.63). Not rounded.
 */
export function kaiserOrder(attenuationDb: number, transitionWidth: number): number {
  return (attenuationDb - 8) / (2.285 * 2 * Math.PI * transitionWidth);
}

/**
 * The continuous Kaiser window at `x`, with half-length 1. It is zero at |x| ≥ 1, so a
 * sampled copy whose points land exactly on an edge stays symmetric. Pass
 * `1 / besselI0(beta)` as `inverseI0Beta` when evaluating many points.
 */
export function kaiserWindow(
  x: number,
  beta: number,
  inverseI0Beta: number = 1 / besselI0(beta),
): number {
  if (!(Math.abs(x) < 1)) return 0;
  return besselI0(beta * Math.sqrt(1 - x * x)) * inverseI0Beta;
}
