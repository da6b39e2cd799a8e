import { describe, expect, it } from "vitest";
import { measureLevels } from "../levels.ts";
import { crestFactorDb } from "./crest-factor.ts";
import { sine } from "./test-signals.ts";

describe("crest factor", () => {
  it("reads 3.01 dB for a sine and 0 dB for a square wave", () => {
    const wave = sine(0.5, 1000, 48_000, 48_000);
    const sineLevels = measureLevels([wave], wave.length);
    expect(crestFactorDb(sineLevels.overallPeakDb, sineLevels.overallRmsDb)).toBeCloseTo(3.0103, 3);
    const square = wave.map((x) => (x >= 0 ? 0.5 : -0.5));
    const squareLevels = measureLevels([square], square.length);
    expect(crestFactorDb(squareLevels.overallPeakDb, squareLevels.overallRmsDb)).toBeCloseTo(0, 9);
  });

  it("is not a number for silence", () => {
    expect(crestFactorDb(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBeNaN();
  });
});
