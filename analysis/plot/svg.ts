/**
 * The small SVG vocabulary both charts share: a page with a title, a plot area, axis labels,
 * gridlines, paths that break at gaps, and a legend. Plain strings, no dependencies, so a
 * chart renders the same in a browser, in rsvg-convert and in a test.
 */

export const WIDTH = 960;
export const HEIGHT = 520;
/** The plot area inside the page: room for the title above, tick labels left and below. */
export const PLOT = { left: 78, top: 76, right: WIDTH - 24, bottom: HEIGHT - 64 };
const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

export interface LegendItem {
  label: string;
  colour: string;
  /** Stroke width of the sample line; 0 draws a filled square instead (for markers). */
  width: number;
  dashed?: boolean;
}

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A coordinate with one decimal: enough for a pixel grid, and never "NaN" by construction. */
export function num(value: number): string {
  const text = value.toFixed(1);
  return text === "-0.0" ? "0.0" : text;
}

/** Path data through `points`; a null ends the current line, so gaps stay gaps. */
export function pathData(points: readonly ([number, number] | null)[]): string {
  const parts: string[] = [];
  let drawing = false;
  for (const point of points) {
    if (point === null) {
      drawing = false;
      continue;
    }
    parts.push(`${drawing ? "L" : "M"}${num(point[0])} ${num(point[1])}`);
    drawing = true;
  }
  return parts.join("");
}

export function text(
  x: number,
  y: number,
  content: string,
  attributes: Record<string, string | number> = {},
): string {
  const extra = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${typeof value === "number" ? num(value) : escapeXml(value)}"`)
    .join("");
  return `<text x="${num(x)}" y="${num(y)}"${extra}>${escapeXml(content)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, style: string): string {
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" ${style}/>`;
}

/** The page: white background (PNG renders are otherwise transparent), title, axis titles, frame. */
export function page(title: string, xLabel: string, yLabel: string, body: string[]): string {
  const { left, top, right, bottom } = PLOT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${FONT}" font-size="13">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(WIDTH / 2, 30, title, { "text-anchor": "middle", "font-size": 18, "font-weight": "bold" }),
    text((left + right) / 2, HEIGHT - 16, xLabel, { "text-anchor": "middle", "font-size": 14 }),
    text(20, (top + bottom) / 2, yLabel, {
      "text-anchor": "middle",
      "font-size": 14,
      transform: `rotate(-90 20 ${num((top + bottom) / 2)})`,
    }),
    ...body.filter((element) => element !== ""),
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#444444" stroke-width="1"/>`,
    "</svg>",
    "",
  ].join("\n");
}

/**
 * The legend as one centred row between the title and the plot, where it never hides data.
 * Label widths are estimated at 7.4 px a character, DejaVu Sans at 13 px.
 */
export function legend(items: readonly LegendItem[]): string {
  const widths = items.map((item) => 36 + item.label.length * 7.4);
  const gap = 28;
  let x = (WIDTH - widths.reduce((sum, w) => sum + w, 0) - gap * (items.length - 1)) / 2;
  const cy = PLOT.top - 16;
  return items
    .map((item, i) => {
      const sample =
        item.width === 0
          ? `<rect x="${num(x + 9)}" y="${num(cy - 5)}" width="10" height="10" fill="${item.colour}"/>`
          : line(
              x,
              cy,
              x + 28,
              cy,
              `stroke="${item.colour}" stroke-width="${item.width}"${item.dashed ? ' stroke-dasharray="8 5"' : ""}`,
            );
      const label = text(x + 36, cy + 4.5, item.label);
      x += widths[i] + gap;
      return `${sample}\n${label}`;
    })
    .join("\n");
}

/** Tick positions step, 2·step, … covering [low, high]. */
export function ticks(low: number, high: number, step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + 1e-9; v += step) out.push(v);
  return out;
}

/** A number with a typographic minus sign, as meters print it; one decimal unless whole. */
export function minus(value: number): string {
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return text.replace("-", "−");
}
