import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spectrumPlotSvg } from "../plot/spectrum-plot.ts";
import { writePlot } from "./write-plot.ts";

const dir = mkdtempSync(join(tmpdir(), "write-plot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const svg = spectrumPlotSvg({
  frequencies: [20, 100, 1000, 10_000, 20_000],
  series: [{ label: "mix", db: [-40, -20, -30, -50, -70] }],
  title: "Average spectrum",
});

const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

describe("writePlot", () => {
  it("writes an .svg as it is, with no temporary file left behind", async () => {
    const file = join(dir, "spectrum.svg");
    await writePlot(file, svg);
    expect(readFileSync(file, "utf8")).toBe(svg);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("renders a .png with rsvg-convert", async () => {
    const file = join(dir, "spectrum.png");
    await writePlot(file, svg);
    const png = readFileSync(file);
    // PNG signature (ISO/IEC 15948 §5.2), then the IHDR width: the SVG's 960 px.
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(960);
  });

  it("says to write .svg or install librsvg2-bin when rsvg-convert is missing", async () => {
    process.env.PATH = dir;
    const file = join(dir, "no-renderer.png");
    await expect(writePlot(file, svg)).rejects.toMatchObject({
      code: "E_PLOT_PNG_UNAVAILABLE",
      subject: "no-renderer.png",
      message: expect.stringMatching(/\.svg.*librsvg2-bin/),
    });
    expect(readdirSync(dir)).not.toContain("no-renderer.png");
  });

  it("reports what rsvg-convert says about SVG it cannot read", async () => {
    await expect(writePlot(join(dir, "broken.png"), "<svg")).rejects.toMatchObject({
      code: "E_PLOT_RENDER",
    });
  });

  it("refuses other formats, naming the two it writes", async () => {
    await expect(writePlot(join(dir, "spectrum.jpg"), svg)).rejects.toMatchObject({
      code: "E_PLOT_FORMAT",
      message: expect.stringContaining(".svg"),
    });
  });
});
