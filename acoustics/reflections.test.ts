import { describe, expect, it } from "vitest";
import { listeningAdvice } from "./listening-position.ts";
import { distance, firstReflections } from "./reflections.ts";

const room = { length: 5, width: 4, height: 2.7 };
const listener = { x: 1.9, y: 2, z: 1.2 };
const speakers = [
  { x: 0.6, y: 1.25, z: 1.2 },
  { x: 0.6, y: 2.75, z: 1.2 },
];

describe("firstReflections", () => {
  const points = firstReflections(room, listener, speakers);

  it("finds six points per speaker, each on its boundary", () => {
    expect(points).toHaveLength(12);
    const left = points.find((p) => p.speaker === 0 && p.boundary === "left")!;
    expect(left.point.y).toBe(0);
    const ceiling = points.find((p) => p.speaker === 0 && p.boundary === "ceiling")!;
    expect(ceiling.point.z).toBe(2.7);
  });

  it("puts each point where the reflection's two legs add up to the image's path (mirror image)", () => {
    for (const p of points) {
      const legs = distance(speakers[p.speaker], p.point) + distance(p.point, listener);
      expect(legs).toBeCloseTo(p.pathM, 9);
      expect(p.delayMs).toBeGreaterThan(0);
      expect(p.levelDb).toBeLessThan(0);
    }
  });

  it("meets a side wall where the angles of incidence and reflection are equal", () => {
    const left = points.find((p) => p.speaker === 0 && p.boundary === "left")!;
    // Equal angles: the x distance splits in the ratio of the two points' distances to the wall.
    const ratio = (left.point.x - 0.6) / (1.9 - left.point.x);
    expect(ratio).toBeCloseTo(1.25 / 2, 9);
  });
});

describe("listeningAdvice", () => {
  it("puts the 38 % seat at 0.38 L and ranks seats by their deepest predicted dip", () => {
    const advice = listeningAdvice(room);
    expect(advice.rule38.x).toBeCloseTo(1.9, 9);
    expect(advice.best.length).toBeGreaterThan(0);
    for (const seat of advice.seats) {
      expect(seat.worstDipDb).toBeLessThanOrEqual(advice.best[0].worstDipDb + 1e-9);
    }
  });

  it("predicts a deep dip at the room's centre, the null of the first length mode", () => {
    const advice = listeningAdvice(room, { speakers });
    const centre = advice.seats.find((s) => Math.abs(s.x - 2.5) < 1e-6)!;
    expect(centre.worstDipDb).toBeLessThan(advice.best[0].worstDipDb - 3);
  });
});
