import { describe, expect, it } from "vitest";
import { loudnessPlotSvg } from "./loudness-plot.ts";
import { coordinates, xmlProblems } from "./well-formed.ts";

/** Four minutes at 10 Hz: a quiet intro, a loud chorus, silence, an outro. */
function song() {
  const hop = 0.1;
  const n = 2400;
  const momentary = new Float32Array(n);
  const shortTerm = new Float32Array(n);
  const truePeak = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * hop;
    const base = t < 60 ? -22 : t < 150 ? -11 : t < 160 ? Number.NEGATIVE_INFINITY : -16;
    momentary[i] = base + 3 * Math.sin(i * 0.7);
    shortTerm[i] = base + Math.sin(i * 0.05);
    truePeak[i] = t > 100 && t < 104 ? -0.3 : base + 10;
  }
  return { hopSeconds: hop, momentary, shortTerm, truePeak };
}

describe("loudness plot", () => {
  const svg = loudnessPlotSvg({
    ...song(),
    targetLufs: -14,
    ceilingDbtp: -1,
    title: "mix.wav: −13.9 LUFS",
  });

  it("is well-formed XML with a title, axis labels, units and a legend", () => {
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain("mix.wav: −13.9 LUFS");
    expect(svg).toContain("Time (m:ss)");
    expect(svg).toContain("Loudness (LUFS)");
    expect(svg).toContain("Momentary (400 ms)");
    expect(svg).toContain("Short-term (3 s)");
    expect(svg).toContain("Target −14 LUFS");
  });

  it("draws both curves as paths, the target dashed, and a mark where true peak passes −1 dBTP", () => {
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="8 5"');
    expect(svg.match(/fill="#d62728"/g)?.length).toBe(2); // the over, and its legend swatch
    expect(svg).toContain("True peak over −1 dBTP");
  });

  it("labels time in m:ss", () => {
    for (const label of ["0:00", "1:00", "2:00", "3:00", "4:00"])
      expect(svg).toContain(`>${label}<`);
  });

  it("leaves silence as a gap: no NaN or Infinity in any coordinate", () => {
    for (const value of coordinates(svg)) expect(Number.isFinite(Number(value))).toBe(true);
    const shortTermPath = svg.match(/<path d="([^"]*)"[^>]*stroke="#1b4f9c"/)?.[1] ?? "";
    // Music, a break for the silence, then the outro: two sub-paths.
    expect(shortTermPath.match(/M/g)).toHaveLength(2);
  });

  it("draws an all-silent track as empty axes", () => {
    const silent = new Float32Array(100).fill(Number.NEGATIVE_INFINITY);
    const empty = loudnessPlotSvg({
      hopSeconds: 0.1,
      momentary: silent,
      shortTerm: silent,
      title: "silence",
    });
    expect(xmlProblems(empty)).toEqual([]);
    for (const value of coordinates(empty)) expect(Number.isFinite(Number(value))).toBe(true);
    expect(empty).not.toContain("<path");
    expect(empty).toContain("Loudness (LUFS)");
  });

  it("says so when the true peak stays under the ceiling", () => {
    const quiet = song();
    quiet.truePeak.fill(-3);
    expect(loudnessPlotSvg({ ...quiet, ceilingDbtp: -1, title: "t" })).toContain(
      "True peak over −1 dBTP (none)",
    );
  });

  it("escapes characters that would break the XML in titles", () => {
    const plot = loudnessPlotSvg({ ...song(), title: 'Rock & Roll <"final">' });
    expect(xmlProblems(plot)).toEqual([]);
    expect(plot).toContain("Rock &amp; Roll &lt;&quot;final&quot;&gt;");
  });
});
