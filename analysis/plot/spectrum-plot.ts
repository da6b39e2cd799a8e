/**
 * Spectra as an SVG chart: a logarithmic frequency axis from 20 Hz to 20 kHz with decade
 * gridlines (and fainter ones at 2…9 × each decade), a dB axis, and one coloured curve per
 * series with a legend, for a mix drawn over its reference. Points closer than a pixel are
 * power-averaged into one; silent points (−Infinity) sit on the floor of the chart.
 */
import { legend, line, minus, PLOT, page, pathData, text, ticks } from "./svg.ts";

export interface SpectrumSeries {
  label: string;
  /** dB per frequency point, same length as `frequencies`. */
  db: ArrayLike<number>;
}

export interface SpectrumPlotInput {
  frequencies: ArrayLike<number>;
  series: readonly SpectrumSeries[];
  title: string;
  /** "Level (dBFS)" unless told otherwise. */
  yLabel?: string;
}

const LOW_HZ = 20;
const HIGH_HZ = 20_000;
/** Colour-blind-safe and distinct in print (Okabe & Ito 2008): blue, orange, green, purple. */
const COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9"];
const MAX_RANGE_DB = 100;
const MIN_RANGE_DB = 40;
const LABELLED_HZ = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];

export function spectrumPlotSvg(input: SpectrumPlotInput): string {
  const { frequencies, series } = input;
  const { left, top, right, bottom } = PLOT;
  const x = (hz: number) =>
    left + (Math.log10(hz / LOW_HZ) / Math.log10(HIGH_HZ / LOW_HZ)) * (right - left);

  let highest = Number.NEGATIVE_INFINITY;
  let lowest = Number.POSITIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < frequencies.length; i++) {
      const f = frequencies[i];
      const v = s.db[i];
      if (f < LOW_HZ || f > HIGH_HZ || !Number.isFinite(v)) continue;
      highest = Math.max(highest, v);
      lowest = Math.min(lowest, v);
    }
  }
  if (!(highest >= lowest)) [lowest, highest] = [-MAX_RANGE_DB, 0];
  // At least 3 dB of headroom over the highest point, so a peak never sits on the frame.
  const yTop = Math.ceil((highest + 3) / 10) * 10;
  const yBottom = Math.min(
    yTop - MIN_RANGE_DB,
    Math.max(yTop - MAX_RANGE_DB, Math.floor(lowest / 10) * 10),
  );
  const y = (db: number) =>
    top + ((yTop - Math.min(yTop, Math.max(yBottom, db))) / (yTop - yBottom)) * (bottom - top);

  const body: string[] = [];
  for (let decade = 10; decade <= HIGH_HZ; decade *= 10) {
    for (let m = 1; m <= 9; m++) {
      const hz = m * decade;
      if (hz < LOW_HZ || hz > HIGH_HZ) continue;
      const major = m === 1;
      body.push(line(x(hz), top, x(hz), bottom, `stroke="${major ? "#b5b5b5" : "#ececec"}"`));
    }
  }
  for (const hz of LABELLED_HZ) {
    body.push(text(x(hz), bottom + 20, hzLabel(hz), { "text-anchor": "middle" }));
  }
  for (const v of ticks(yBottom, yTop, 10)) {
    body.push(line(left, y(v), right, y(v), 'stroke="#e3e3e3"'));
    body.push(text(left - 8, y(v) + 4.5, minus(v), { "text-anchor": "end" }));
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = columns(frequencies, s.db, x).map(([px, db]): [number, number] => [px, y(db)]);
    body.push(
      `<path d="${pathData(points)}" fill="none" stroke="${colour}" stroke-width="1.8" stroke-linejoin="round"/>`,
    );
  });
  body.push(
    legend(
      series.map((s, i) => ({ label: s.label, colour: COLOURS[i % COLOURS.length], width: 2.5 })),
    ),
  );
  return page(input.title, "Frequency (Hz)", input.yLabel ?? "Level (dBFS)", body);
}

/** [pixel x, dB] per pixel column: the power mean of the points that fall in it. */
function columns(
  frequencies: ArrayLike<number>,
  db: ArrayLike<number>,
  x: (hz: number) => number,
): [number, number][] {
  const out: [number, number][] = [];
  let column = Number.NaN;
  let sum = 0;
  let count = 0;
  let at = 0;
  const flush = () => {
    if (count > 0) out.push([at / count, 10 * Math.log10(sum / count)]);
  };
  for (let i = 0; i < frequencies.length; i++) {
    const f = frequencies[i];
    if (!(f >= LOW_HZ && f <= HIGH_HZ)) continue;
    const px = x(f);
    if (Math.round(px) !== column) {
      flush();
      column = Math.round(px);
      sum = 0;
      count = 0;
      at = 0;
    }
    const v = db[i];
    sum += Number.isNaN(v) ? 0 : 10 ** (v / 10);
    at += px;
    count++;
  }
  flush();
  return out;
}

function hzLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}k` : String(hz);
}
