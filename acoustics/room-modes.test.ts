import { describe, expect, it } from "vitest";
import { parseDimensions } from "./room-dimensions.ts";
import { bonelloCheck, modeWarnings, roomModes, schroederFrequency } from "./room-modes.ts";

const room = { length: 4, width: 3, height: 2.5 };

describe("roomModes", () => {
  it("gives 42.9, 57.2 and 68.6 Hz axial and 71.5 Hz for (1,1,0) in a 4 × 3 × 2.5 m room", () => {
    const modes = roomModes(room, { maxHz: 100 });
    const at = (p: number, q: number, r: number) =>
      modes.find((m) => m.indices.join() === `${p},${q},${r}`);
    // The worked case rounds to 0.1 Hz.
    expect(at(1, 0, 0)?.frequencyHz).toBeCloseTo(42.875, 3);
    expect(at(1, 0, 0)?.frequencyHz.toFixed(1)).toBe("42.9");
    expect(at(0, 1, 0)?.frequencyHz.toFixed(1)).toBe("57.2");
    expect(at(0, 0, 1)?.frequencyHz.toFixed(1)).toBe("68.6");
    expect(at(1, 1, 0)?.frequencyHz.toFixed(1)).toBe("71.5");
    expect(at(1, 0, 0)?.kind).toBe("axial");
    expect(at(1, 1, 0)?.kind).toBe("tangential");
    expect(at(1, 1, 1)?.kind).toBe("oblique");
  });

  it("lists modes lowest first and none above the cutoff", () => {
    const modes = roomModes(room, { maxHz: 150 });
    expect(modes[0].indices).toEqual([1, 0, 0]);
    for (let i = 1; i < modes.length; i++) {
      expect(modes[i].frequencyHz).toBeGreaterThanOrEqual(modes[i - 1].frequencyHz);
    }
    expect(modes.at(-1)!.frequencyHz).toBeLessThanOrEqual(150);
  });
});

describe("room checks", () => {
  it("puts the Schroeder frequency of a 54 m³ room at 0.3 s at 149 Hz", () => {
    expect(schroederFrequency(0.3, 54)).toBeCloseTo(2000 * Math.sqrt(0.3 / 54), 9);
    expect(schroederFrequency(0.3, 54)).toBeCloseTo(149.1, 1);
  });

  it("fails a cube on Bonello's criterion: its three axial families coincide", () => {
    const cube = bonelloCheck(roomModes({ length: 4, width: 4, height: 4 }));
    expect(cube.passes).toBe(false);
    expect(cube.bands.some((b) => b.coincident.length > 0)).toBe(true);
  });

  it("warns of a gap between the first axial modes of a small room and of bunched ones in a cube", () => {
    const small = modeWarnings(roomModes({ length: 3, width: 2.4, height: 2.2 }), 200);
    expect(small.some((w) => w.kind === "gap")).toBe(true);
    const cube = modeWarnings(roomModes({ length: 4, width: 4, height: 4 }), 200);
    expect(cube.some((w) => w.kind === "bunch" && /boom/.test(w.message))).toBe(true);
  });
});

describe("parseDimensions", () => {
  it("reads 5x4x2.7 as metres", () => {
    expect(parseDimensions("5x4x2.7")).toEqual({ length: 5, width: 4, height: 2.7 });
  });

  it.each([
    ["0x4x2.7", /length is 0 m; each dimension must be a positive/],
    ["5x-4x2.7", /width is -4 m/],
    ["500x400x270", /length is 500 m, which is not a room's size/],
    ["5x4", /not length × width × height/],
    ["fivexfour", /not length × width × height/],
  ])("refuses %s with a reason", (text, reason) => {
    expect(() => parseDimensions(text)).toThrow(reason);
  });
});
