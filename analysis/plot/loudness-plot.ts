/**
 * Loudness over time as an SVG chart: momentary (400 ms) and short-term (3 s) loudness
 * (EBU Tech 3341), a dashed target line, and red marks along the top wherever the true
 * peak goes over the ceiling. Silence (−Infinity) leaves a gap in the curves.
 */
import {
  type LegendItem,
  legend,
  line,
  minus,
  num,
  PLOT,
  page,
  pathData,
  text,
  ticks,
} from "./svg.ts";

export interface LoudnessPlotInput {
  /** Seconds between successive values of every series; value i is the level at the end of hop i. */
  hopSeconds: number;
  momentary: ArrayLike<number>;
  shortTerm: ArrayLike<number>;
  /** dBTP per hop; with `ceilingDbtp`, marks the stretches over the ceiling. */
  truePeak?: ArrayLike<number>;
  targetLufs?: number;
  ceilingDbtp?: number;
  title: string;
}

const MOMENTARY = "#8db9e3";
const SHORT_TERM = "#1b4f9c";
const TARGET = "#2e9e44";
const OVER = "#d62728";
/** The LUFS axis shows at most this much, so a fade to silence does not flatten the music. */
const MAX_RANGE_LU = 50;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

export function loudnessPlotSvg(input: LoudnessPlotInput): string {
  const { hopSeconds, momentary, shortTerm, truePeak, targetLufs, ceilingDbtp } = input;
  const count = Math.max(momentary.length, shortTerm.length);
  const duration = Math.max(count * hopSeconds, 1);
  const { left, top, right, bottom } = PLOT;
  const x = (seconds: number) => left + (seconds / duration) * (right - left);

  // The top fits every value; the bottom fits short-term and the target, so a momentary dip
  // into a pause clips at the floor instead of squeezing the music into a strip.
  const [, highest] = finiteRange([momentary, shortTerm], targetLufs);
  const [lowest] = finiteRange([shortTerm], targetLufs);
  const yTop = Math.ceil((highest + 2) / 5) * 5;
  const yBottom = Math.min(
    yTop - 20,
    Math.max(yTop - MAX_RANGE_LU, Math.floor((lowest - 5) / 5) * 5),
  );
  const y = (lufs: number) =>
    top + ((yTop - Math.min(yTop, Math.max(yBottom, lufs))) / (yTop - yBottom)) * (bottom - top);

  const body: string[] = [];
  const step = 5 * Math.ceil((yTop - yBottom) / 5 / 10);
  for (const v of ticks(yBottom, yTop, step)) {
    body.push(line(left, y(v), right, y(v), 'stroke="#e3e3e3"'));
    body.push(text(left - 8, y(v) + 4.5, minus(v), { "text-anchor": "end" }));
  }
  const timeStep = TIME_STEPS.find((s) => duration / s <= 10) ?? 3600;
  for (const t of ticks(0, duration, timeStep)) {
    body.push(line(x(t), top, x(t), bottom, 'stroke="#e3e3e3"'));
    body.push(text(x(t), bottom + 20, clock(t), { "text-anchor": "middle" }));
  }

  const items: LegendItem[] = [
    { label: "Momentary (400 ms)", colour: MOMENTARY, width: 1.2 },
    { label: "Short-term (3 s)", colour: SHORT_TERM, width: 2.4 },
  ];
  body.push(curve(momentary, hopSeconds, x, y, right - left, MOMENTARY, 1.2));
  body.push(curve(shortTerm, hopSeconds, x, y, right - left, SHORT_TERM, 2.4));

  if (targetLufs !== undefined && Number.isFinite(targetLufs)) {
    body.push(
      line(
        left,
        y(targetLufs),
        right,
        y(targetLufs),
        `stroke="${TARGET}" stroke-width="2" stroke-dasharray="8 5"`,
      ),
    );
    items.push({
      label: `Target ${minus(targetLufs)} LUFS`,
      colour: TARGET,
      width: 2,
      dashed: true,
    });
  }
  if (truePeak && ceilingDbtp !== undefined) {
    const runs = overs(truePeak, ceilingDbtp);
    for (const [start, end] of runs) {
      const x0 = x(start * hopSeconds);
      const width = Math.max(3, x(end * hopSeconds) - x0);
      body.push(
        `<rect x="${num(x0)}" y="${num(top + 1)}" width="${num(width)}" height="10" fill="${OVER}"/>`,
      );
    }
    const label = `True peak over ${minus(ceilingDbtp)} dBTP${runs.length === 0 ? " (none)" : ""}`;
    items.push({ label, colour: OVER, width: 0 });
  }
  body.push(legend(items));
  return page(input.title, "Time (m:ss)", "Loudness (LUFS)", body);
}

/**
 * One series as a path. A series with more than two values a pixel is cut into pixel columns,
 * each drawn as its lowest and highest value in the order they came, which keeps every peak.
 */
function curve(
  values: ArrayLike<number>,
  hopSeconds: number,
  x: (seconds: number) => number,
  y: (lufs: number) => number,
  pixels: number,
  colour: string,
  width: number,
): string {
  const points: ([number, number] | null)[] = [];
  const perColumn = Math.max(1, Math.floor(values.length / (2 * pixels)));
  for (let start = 0; start < values.length; start += perColumn) {
    const end = Math.min(values.length, start + perColumn);
    let low = -1;
    let high = -1;
    for (let i = start; i < end; i++) {
      if (!Number.isFinite(values[i])) continue;
      if (low < 0 || values[i] < values[low]) low = i;
      if (high < 0 || values[i] > values[high]) high = i;
    }
    if (low < 0) {
      points.push(null);
      continue;
    }
    for (const i of low === high ? [low] : [Math.min(low, high), Math.max(low, high)]) {
      points.push([x((i + 1) * hopSeconds), y(values[i])]);
    }
  }
  const d = pathData(points);
  if (d === "") return "";
  return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${width}" stroke-linejoin="round"/>`;
}

/** Index ranges [start, end) where the true peak is over the ceiling. */
function overs(truePeak: ArrayLike<number>, ceiling: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= truePeak.length; i++) {
    const over = i < truePeak.length && truePeak[i] > ceiling;
    if (over && start < 0) start = i;
    if (!over && start >= 0) {
      runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

/** The lowest and highest finite values of the series and the target; silence alone gives −50…0. */
function finiteRange(series: ArrayLike<number>[], target: number | undefined): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const values of series) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (target !== undefined && Number.isFinite(target)) {
    low = Math.min(low, target);
    high = Math.max(high, target);
  }
  return high >= low ? [low, high] : [-MAX_RANGE_LU, 0];
}

/** m:ss, as a transport shows time. */
function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
