/**
 * Values per octave band as lines with markers: RT60 before and after treatment with the
 * target range shaded, or a measurement's EDT, T20 and T30.
 */
import { legend, line, minus, PLOT, page, pathData, text } from "../../analysis/plot/svg.ts";
import { bandLabel } from "../bands.ts";

const COLOURS = ["#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00"];

export function bandChartSvg(input: {
  title: string;
  bands: readonly number[];
  series: readonly { label: string; values: readonly (number | null)[]; dashed?: boolean }[];
  target?: { min: readonly number[]; max: readonly number[] };
  yLabel?: string;
}): string {
  const { left, top, right, bottom } = PLOT;
  const n = input.bands.length;
  const x = (i: number) => left + ((i + 0.5) / n) * (right - left);
  const all = input.series.flatMap((s) =>
    s.values.filter((v): v is number => v !== null && Number.isFinite(v)),
  );
  if (input.target) all.push(...input.target.max);
  const high = Math.max(0.5, ...all) * 1.15;
  const stepSeconds = high > 4 ? 1 : high > 2 ? 0.5 : high > 1 ? 0.2 : 0.1;
  const yTop = Math.ceil(high / stepSeconds) * stepSeconds;
  const y = (v: number) => bottom - (v / yTop) * (bottom - top);
  const body: string[] = [];
  if (input.target) {
    const upper = input.bands.map((_, i): [number, number] => [x(i), y(input.target!.max[i])]);
    const lower = input.bands
      .map((_, i): [number, number] => [x(i), y(input.target!.min[i])])
      .reverse();
    body.push(`<path d="${pathData([...upper, ...lower])}Z" fill="#dff0e6"/>`);
  }
  for (let v = 0; v <= yTop + 1e-9; v += stepSeconds) {
    body.push(line(left, y(v), right, y(v), 'stroke="#e3e3e3"'));
    body.push(
      text(left - 8, y(v) + 4.5, minus(Math.round(v * 100) / 100), { "text-anchor": "end" }),
    );
  }
  input.bands.forEach((hz, i) => {
    body.push(text(x(i), bottom + 20, bandLabel(hz), { "text-anchor": "middle" }));
  });
  input.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const points = s.values.map((v, i): [number, number] | null =>
      v === null || !Number.isFinite(v) ? null : [x(i), y(v)],
    );
    body.push(
      `<path d="${pathData(points)}" fill="none" stroke="${colour}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="8 5"' : ""}/>`,
    );
    for (const p of points)
      if (p)
        body.push(
          `<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="4" fill="${colour}"/>`,
        );
  });
  const items = input.series.map((s, k) => ({
    label: s.label,
    colour: COLOURS[k % COLOURS.length],
    width: 2.2,
    dashed: s.dashed,
  }));
  if (input.target) items.push({ label: "target", colour: "#dff0e6", width: 0, dashed: false });
  body.push(legend(items));
  return page(input.title, "Octave band", input.yLabel ?? "RT60 (s)", body);
}
