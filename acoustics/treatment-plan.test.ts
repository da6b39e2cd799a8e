import { describe, expect, it } from "vitest";
import { parseRoom } from "./room-file.ts";
import { flatRange, planTreatment, targetRange } from "./treatment-plan.ts";

const bareRoom = parseRoom({
  dimensions: { length: 5, width: 4, height: 2.7 },
  boundaries: {
    floor: "wood-floor",
    ceiling: "plasterboard-on-frame",
    walls: "plasterboard-on-frame",
  },
});

describe("planTreatment", () => {
  it("brings a bare plasterboard room into 0.2–0.4 s from 250 Hz up with a priced count of panels", () => {
    const plan = planTreatment(bareRoom, flatRange(0.2, 0.4));
    expect(plan.before.eyring[3]).toBeGreaterThan(0.6);
    for (let b = 1; b < 6; b++) {
      expect(plan.after.eyring[b]).toBeGreaterThanOrEqual(0.2);
      expect(plan.after.eyring[b]).toBeLessThanOrEqual(0.4);
    }
    const panels = plan.treatments.reduce((sum, t) => sum + t.panels, 0);
    expect(panels).toBeGreaterThan(0);
    for (const t of plan.treatments) expect(t.areaM2).toBeCloseTo(t.panels * 0.72, 9);
    expect(plan.totalCost).toBe(plan.treatments.reduce((sum, t) => sum + t.cost, 0));
    expect(plan.totalCost).toBeGreaterThan(0);
  });

  it("adds nothing to a room already in range", () => {
    const plan = planTreatment(bareRoom, flatRange(0.1, 5));
    expect(plan.treatments.every((t) => t.panels === 0)).toBe(true);
    expect(plan.inRange.every(Boolean)).toBe(true);
  });

  it("says which band stays out of range and why when only thin foam is offered", () => {
    const foamOnly = parseRoom({
      dimensions: { length: 5, width: 4, height: 2.7 },
      boundaries: { floor: "rough-concrete", ceiling: "rough-concrete", walls: "rough-concrete" },
      treatments: [{ material: "foam-50mm", pricePerPanel: 20 }],
    });
    const plan = planTreatment(foamOnly, targetRange(0.3));
    expect(plan.inRange[0]).toBe(false);
    expect(plan.notes.join("\n")).toMatch(/125 Hz stays at .* s, above .* s/);
  });

  it("widens the target below 200 Hz as BS.1116-3's mask does, and refuses an absurd target", () => {
    const range = targetRange(0.3);
    expect(range.max[1]).toBeCloseTo(0.35, 9);
    expect(range.max[0]).toBeGreaterThan(0.45);
    expect(range.min[0]).toBeCloseTo(0.25, 9);
    expect(() => targetRange(30)).toThrow(/30 s is not one a room is built to/);
  });
});
