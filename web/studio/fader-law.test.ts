import { describe, expect, it } from "vitest";
import { faderDb, faderPosition, faderStep, formatDb, formatPan } from "./fader-law.ts";
import { coalesce } from "./project-session.ts";

describe("the fader's travel", () => {
  it("puts unity at about 70 % of the travel and +12 dB at the top", () => {
    expect(faderPosition(12)).toBe(1);
    expect(faderPosition(0)).toBeCloseTo(0.708, 3);
    expect(faderPosition(-144)).toBe(0);
  });

  it("reads back the level a position was set from, to 0.1 dB", () => {
    for (const db of [12, 6, 0, -0.5, -6, -20, -40.3, -60, -90]) {
      expect(faderDb(faderPosition(db))).toBeCloseTo(db, 1);
    }
  });

  it("steps by 0.5 dB near unity, coarser far down, 6 dB with Shift, down to −∞", () => {
    expect(faderStep(0, -1, false)).toBe(-0.5);
    expect(faderStep(-30, -1, false)).toBe(-32);
    expect(faderStep(-80, -1, false)).toBe(-92);
    expect(faderStep(-100, -1, false)).toBe(-144);
    expect(faderStep(-144, 1, false)).toBe(-100);
    expect(faderStep(0, -1, true)).toBe(-6);
    expect(faderStep(10, 1, true)).toBe(12);
  });

  it("reads levels and pans as a console shows them", () => {
    expect(formatDb(-6)).toBe("−6.0 dB");
    expect(formatDb(1.5)).toBe("+1.5 dB");
    expect(formatDb(-0.04)).toBe("0.0 dB");
    expect(formatDb(-144)).toBe("−∞ dB");
    expect(formatPan(0)).toBe("C");
    expect(formatPan(-0.5)).toBe("L 50 %");
    expect(formatPan(1)).toBe("R 100 %");
  });
});

describe("edits gathered for one save", () => {
  it("keeps only the last of consecutive settings of one parameter", () => {
    const fader = (trackId: string, value: number) =>
      ({ type: "param.set", trackId, path: "faderDb", value }) as const;
    expect(
      coalesce([
        fader("bass", -1),
        fader("bass", -2),
        fader("master", -1),
        fader("bass", -3),
        { type: "param.set", trackId: "bass", path: "pan", value: 0.2 },
      ]),
    ).toEqual([
      fader("bass", -2),
      fader("master", -1),
      fader("bass", -3),
      { type: "param.set", trackId: "bass", path: "pan", value: 0.2 },
    ]);
  });
});
