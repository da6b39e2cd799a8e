import { describe, expect, it } from "vitest";
import type { BandValues } from "./bands.ts";
import { eyringRt60, sabineRt60 } from "./reverberation.ts";

const flat = (a: number) => [a, a, a, a, a, a] as unknown as BandValues;

describe("reverberation time from surfaces", () => {
  // The reference check: S = [240, 600, 500] m², α = [0.1, 0.25, 0.45], V = 3000 m³.
  const surfaces = [
    { name: "a", areaM2: 240, absorption: flat(0.1) },
    { name: "b", areaM2: 600, absorption: flat(0.25) },
    { name: "c", areaM2: 500, absorption: flat(0.45) },
  ];

  it("gives 1.2114 s by Sabine (24·ln10/c, c = 343 m/s) within ±0.0005 s", () => {
    for (const t of sabineRt60(3000, surfaces)) expect(Math.abs(t - 1.2114)).toBeLessThan(0.0005);
  });

  it("gives 1.0204 s by Eyring within ±0.0005 s", () => {
    for (const t of eyringRt60(3000, surfaces)) expect(Math.abs(t - 1.0204)).toBeLessThan(0.0005);
  });
});
