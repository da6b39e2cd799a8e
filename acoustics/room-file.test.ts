import { describe, expect, it } from "vitest";
import { parseRoom } from "./room-file.ts";

const mixRoom = {
  dimensions: { length: 5, width: 4, height: 2.7 },
  boundaries: { floor: "wood-floor", ceiling: "gypsum-board-13mm", walls: "gypsum-board-13mm" },
  surfaces: [{ name: "window", material: "glass-3mm", area: 2.4, on: "left" }],
};

describe("parseRoom", () => {
  it("derives the six boundaries from the dimensions, less the patches on them", () => {
    const room = parseRoom(mixRoom);
    expect(room.volumeM3).toBeCloseTo(54, 9);
    const left = room.surfaces.find((s) => s.name === "left")!;
    expect(left.areaM2).toBeCloseTo(5 * 2.7 - 2.4, 9);
    const total = room.surfaces.reduce((sum, s) => sum + s.areaM2, 0);
    expect(total).toBeCloseTo(2 * (5 * 4 + 5 * 2.7 + 4 * 2.7), 9);
  });

  it("takes a volume and listed surfaces for a room that is not a box", () => {
    const room = parseRoom({
      volume: 3000,
      materials: [
        { id: "a", name: "a", absorption: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], source: "test" },
      ],
      surfaces: [{ name: "all", material: "a", area: 240 }],
    });
    expect(room.dimensions).toBeNull();
    expect(room.surfaces).toHaveLength(1);
  });

  it("names an unknown material and the nearest known ones", () => {
    expect(() =>
      parseRoom({ ...mixRoom, boundaries: { ...mixRoom.boundaries, floor: "wood-flor" } }),
    ).toThrow(/boundaries.floor: unknown material "wood-flor"; did you mean wood-floor/);
  });

  it("refuses zero, negative and absurd dimensions", () => {
    const withDims = (length: number) => ({
      ...mixRoom,
      dimensions: { ...mixRoom.dimensions, length },
    });
    expect(() => parseRoom(withDims(0))).toThrow(
      /length is 0 m; each dimension must be a positive/,
    );
    expect(() => parseRoom(withDims(-5))).toThrow(/length is -5 m/);
    expect(() => parseRoom(withDims(5000))).toThrow(/5000 m, which is not a room's size/);
  });

  it("refuses patches larger than the wall they are on", () => {
    expect(() =>
      parseRoom({
        ...mixRoom,
        surfaces: [{ name: "glass", material: "glass-3mm", area: 20, on: "front" }],
      }),
    ).toThrow(/the surfaces on the front cover 20.00 m², more than its 10.80 m²/);
  });

  it("asks for a boundary's material when none is given", () => {
    expect(() => parseRoom({ ...mixRoom, boundaries: { floor: "wood-floor" } })).toThrow(
      /boundaries.front: say what the front is made of/,
    );
  });

  it("refuses a room with neither dimensions nor volume, and unknown fields", () => {
    expect(() => parseRoom({ surfaces: [] })).toThrow(/dimensions, or its volume/);
    expect(() => parseRoom({ ...mixRoom, colour: "red" })).toThrow(/unknown field "colour"/);
  });
});
