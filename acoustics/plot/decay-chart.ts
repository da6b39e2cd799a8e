/** Schroeder decay curves per band, dB against time, one line each, to 60 dB down. */
import { legend, line, minus, PLOT, page, pathData, text, ticks } from "../../analysis/plot/svg.ts";

const COLOURS = ["#d55e00", "#e69f00", "#009e73", "#0072b2", "#56b4e9", "#cc79a7", "#444444"];
const FLOOR_DB = -60;

export function decayChartSvg(input: {
  title: string;
  /** One curve per band, a value per millisecond from the band's onset. */
  curves: readonly { label: string; db: readonly number[] }[];
}): string {
  const { left, top, right, bottom } = PLOT;
  const longest = Math.max(
    100,
    ...input.curves.map((c) => c.db.findIndex((v) => v < FLOOR_DB) + 1 || c.db.length),
  );
  const stepMs = longest > 2000 ? 500 : longest > 800 ? 200 : longest > 300 ? 100 : 50;
  const endMs = Math.ceil(longest / stepMs) * stepMs;
  const x = (ms: number) => left + (ms / endMs) * (right - left);
  const y = (db: number) => top + (Math.min(0, Math.max(FLOOR_DB, db)) / FLOOR_DB) * (bottom - top);
  const body: string[] = [];
  for (const ms of ticks(0, endMs, stepMs)) {
    body.push(line(x(ms), top, x(ms), bottom, 'stroke="#e3e3e3"'));
    body.push(text(x(ms), bottom + 20, String(ms), { "text-anchor": "middle" }));
  }
  for (const db of ticks(FLOOR_DB, 0, 10)) {
    body.push(line(left, y(db), right, y(db), 'stroke="#e3e3e3"'));
    body.push(text(left - 8, y(db) + 4.5, minus(db), { "text-anchor": "end" }));
  }
  input.curves.forEach((c, k) => {
    const points: [number, number][] = [];
    // A point every pixel or so is enough.
    const every = Math.max(1, Math.floor(c.db.length / 900));
    for (let ms = 0; ms < Math.min(c.db.length, endMs); ms += every) {
      points.push([x(ms), y(c.db[ms])]);
      if (c.db[ms] < FLOOR_DB) break;
    }
    body.push(
      `<path d="${pathData(points)}" fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="1.8"/>`,
    );
  });
  body.push(
    legend(
      input.curves.map((c, k) => ({
        label: c.label,
        colour: COLOURS[k % COLOURS.length],
        width: 2,
      })),
    ),
  );
  return page(input.title, "Time after onset (ms)", "Schroeder decay (dB)", body);
}
