import { describe, expect, it } from "vitest";
import { coordinates, xmlProblems } from "../../analysis/plot/well-formed.ts";
import { OCTAVE_BANDS_HZ } from "../bands.ts";
import { modeWarnings, roomModes } from "../room-modes.ts";
import { bandChartSvg } from "./band-chart.ts";
import { decayChartSvg } from "./decay-chart.ts";
import { modeChartSvg } from "./mode-chart.ts";

function wellFormed(svg: string): void {
  expect(xmlProblems(svg)).toEqual([]);
  for (const value of coordinates(svg)) expect(Number.isFinite(Number(value))).toBe(true);
}

describe("acoustics charts", () => {
  it("draws every mode of a room up to the cutoff, with the Schroeder frequency and warnings", () => {
    const modes = roomModes({ length: 4, width: 4, height: 4 }, { maxHz: 200 });
    const svg = modeChartSvg({
      title: "Room modes: cube & co",
      modes,
      maxHz: 200,
      schroederHz: 180,
      warnings: modeWarnings(modes, 180),
    });
    wellFormed(svg);
    expect(svg).toContain("Schroeder 180 Hz");
    expect(svg).toContain("cube &amp; co");
    expect(svg.match(/stroke-width="2"/g)?.length).toBe(modes.length);
  });

  it("draws RT60 per band with the target shaded, leaving a gap where a band has no value", () => {
    const svg = bandChartSvg({
      title: "RT60",
      bands: OCTAVE_BANDS_HZ,
      series: [
        { label: "before", values: [0.8, 0.9, 1, 1.1, 0.9, 0.7] },
        { label: "after", values: [0.5, null, 0.3, 0.3, 0.3, 0.3] },
      ],
      target: {
        min: [0.25, 0.25, 0.25, 0.25, 0.25, 0.25],
        max: [0.45, 0.35, 0.35, 0.35, 0.35, 0.35],
      },
    });
    wellFormed(svg);
    expect(svg).toContain("1 kHz");
    expect(svg.match(/<circle/g)?.length).toBe(11);
  });

  it("draws decay curves down to -60 dB", () => {
    const db = Array.from({ length: 1200 }, (_, ms) => -0.06 * ms);
    const svg = decayChartSvg({
      title: "Decay",
      curves: [
        { label: "1 kHz", db },
        { label: "broadband", db: db.map((v) => v * 1.2) },
      ],
    });
    wellFormed(svg);
    expect(svg).toContain("Schroeder decay (dB)");
  });
});
