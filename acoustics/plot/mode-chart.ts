/**
 * The mode chart: each mode a line at its frequency, axial tallest, tangential half and
 * oblique a quarter (their relative energy, Morse & Bolt 1944: 0, −3 and −6 dB), the Schroeder
 * frequency marked, and the stretches the warnings name shaded.
 */
import { legend, line, PLOT, page, text, ticks } from "../../analysis/plot/svg.ts";
import type { ModeWarning, RoomMode } from "../room-modes.ts";

const COLOURS = { axial: "#d55e00", tangential: "#0072b2", oblique: "#009e73" };
const HEIGHTS = { axial: 1, tangential: 0.5, oblique: 0.25 };

export function modeChartSvg(input: {
  title: string;
  modes: readonly RoomMode[];
  maxHz: number;
  schroederHz?: number;
  warnings?: readonly ModeWarning[];
}): string {
  const { left, top, right, bottom } = PLOT;
  const x = (hz: number) => left + (hz / input.maxHz) * (right - left);
  const body: string[] = [];
  for (const w of input.warnings ?? []) {
    const colour = w.kind === "gap" ? "#f3e3b3" : "#f6c7c0";
    body.push(
      `<rect x="${x(w.lowHz).toFixed(1)}" y="${top}" width="${Math.max(2, x(w.highHz) - x(w.lowHz)).toFixed(1)}" height="${bottom - top}" fill="${colour}"/>`,
    );
  }
  const step = input.maxHz > 300 ? 50 : input.maxHz > 120 ? 20 : 10;
  for (const hz of ticks(0, input.maxHz, step)) {
    body.push(line(x(hz), top, x(hz), bottom, 'stroke="#e3e3e3"'));
    body.push(text(x(hz), bottom + 20, String(hz), { "text-anchor": "middle" }));
  }
  for (const v of [0, 0.25, 0.5, 1]) {
    const y = bottom - v * (bottom - top - 10);
    body.push(
      text(left - 8, y + 4.5, v === 0 ? "" : `${Math.round(20 * Math.log10(v))} dB`, {
        "text-anchor": "end",
      }),
    );
  }
  for (const m of input.modes) {
    const h = HEIGHTS[m.kind] * (bottom - top - 10);
    body.push(
      line(
        x(m.frequencyHz),
        bottom,
        x(m.frequencyHz),
        bottom - h,
        `stroke="${COLOURS[m.kind]}" stroke-width="2"`,
      ),
    );
  }
  if (input.schroederHz !== undefined && input.schroederHz < input.maxHz) {
    const sx = x(input.schroederHz);
    body.push(
      line(sx, top, sx, bottom, 'stroke="#444444" stroke-width="1.5" stroke-dasharray="6 4"'),
    );
    body.push(text(sx + 6, top + 16, `Schroeder ${input.schroederHz.toFixed(0)} Hz`));
  }
  body.push(
    legend([
      { label: "axial", colour: COLOURS.axial, width: 3 },
      { label: "tangential", colour: COLOURS.tangential, width: 3 },
      { label: "oblique", colour: COLOURS.oblique, width: 3 },
      { label: "gap", colour: "#f3e3b3", width: 0 },
      { label: "bunched", colour: "#f6c7c0", width: 0 },
    ]),
  );
  return page(input.title, "Frequency (Hz)", "Relative strength", body);
}
