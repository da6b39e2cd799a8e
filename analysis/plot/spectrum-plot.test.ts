import { describe, expect, it } from "vitest";
import { spectrumPlotSvg } from "./spectrum-plot.ts";
import { coordinates, xmlProblems } from "./well-formed.ts";

const frequencies = Array.from({ length: 240 }, (_, k) => 1000 * 2 ** ((k - 135) / 24));
const mix = frequencies.map((f) => -30 - 10 * Math.log10(f / 100) + (f > 60 && f < 90 ? 6 : 0));
const reference = frequencies.map((f) => -32 - 9 * Math.log10(f / 100));

describe("spectrum plot", () => {
  const svg = spectrumPlotSvg({
    frequencies,
    series: [
      { label: "mix.wav", db: mix },
      { label: "reference.wav (reference)", db: reference },
    ],
    title: "Average spectrum",
  });

  it("is well-formed XML with a title, axis labels with units and a legend naming both series", () => {
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain("Average spectrum");
    expect(svg).toContain("Frequency (Hz)");
    expect(svg).toContain("Level (dBFS)");
    expect(svg).toContain(">mix.wav<");
    expect(svg).toContain(">reference.wav (reference)<");
  });

  it("draws one path per series in distinct colours", () => {
    const strokes = [...svg.matchAll(/<path [^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(strokes).toHaveLength(2);
    expect(new Set(strokes).size).toBe(2);
  });

  it("labels a logarithmic frequency axis from 20 Hz to 20 kHz", () => {
    for (const label of ["20", "100", "1k", "10k", "20k"]) expect(svg).toContain(`>${label}<`);
    const at = (label: string) =>
      Number(svg.match(new RegExp(`x="([\\d.]+)"[^>]*>${label}<`))?.[1]);
    // Equal ratios, equal distances: 20→200 spans as much as 2k→20k.
    expect(at("100") - at("20")).toBeCloseTo(at("10k") - at("2k"), 0);
  });

  it("puts silence (−Infinity) on the floor of the chart, never NaN", () => {
    const silent = spectrumPlotSvg({
      frequencies,
      series: [
        { label: "silence", db: frequencies.map(() => Number.NEGATIVE_INFINITY) },
        { label: "half", db: mix.map((v, i) => (i % 2 ? Number.NEGATIVE_INFINITY : v)) },
      ],
      title: "t",
    });
    expect(xmlProblems(silent)).toEqual([]);
    for (const value of coordinates(silent)) expect(Number.isFinite(Number(value))).toBe(true);
    expect(silent.match(/<path /g)).toHaveLength(2);
  });

  it("draws linear FFT bins too, averaging those that share a pixel", () => {
    const bins = Array.from({ length: 4097 }, (_, k) => (k * 48_000) / 8192);
    const plot = spectrumPlotSvg({
      frequencies: bins,
      series: [{ label: "bins", db: bins.map((f) => (f === 0 ? 0 : -20 * Math.log10(f))) }],
      title: "t",
    });
    const d = plot.match(/<path d="([^"]*)"/)?.[1] ?? "";
    expect((d.match(/[ML]/g) ?? []).length).toBeLessThan(900);
    for (const value of coordinates(plot)) expect(Number.isFinite(Number(value))).toBe(true);
  });
});
