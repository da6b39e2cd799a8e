import { describe, expect, it } from "vitest";
import type { PanLaw } from "../../music/strip.ts";
import { type PanGains, panGains } from "./pan-law.ts";

const db = (g: number) => 20 * Math.log10(g);
const POSITIONS = [-1, -0.5, 0, 0.5, 1];

/** The laws written out independently of pan-law.ts, from the formulas in music/strip.ts. */
const FORMULAS: Record<PanLaw, (pan: number) => [number, number]> = {
  "-3dB": (p) => {
    const t = ((p + 1) * Math.PI) / 4;
    return [Math.cos(t), Math.sin(t)];
  },
  "-6dB": (p) => [(1 - p) / 2, (1 + p) / 2],
  "-4.5dB": (p) => {
    const t = ((p + 1) * Math.PI) / 4;
    return [Math.sqrt((Math.cos(t) * (1 - p)) / 2), Math.sqrt((Math.sin(t) * (1 + p)) / 2)];
  },
  "0dB": (p) => [Math.min(1, 1 - p), Math.min(1, 1 + p)],
};

function gains(law: PanLaw, pan: number): PanGains {
  return panGains(law, pan, { left: 0, right: 0 });
}

describe("pan laws", () => {
  for (const law of Object.keys(FORMULAS) as PanLaw[]) {
    it(`follows the ${law} formula within 0.01 dB at −1, −0.5, 0, 0.5 and 1`, () => {
      for (const pan of POSITIONS) {
        const [l, r] = FORMULAS[law](pan);
        const g = gains(law, pan);
        // Exact zeros at the hard sides: both must be silent, no dB to compare.
        if (l < 1e-12) expect(g.left).toBe(0);
        else expect(Math.abs(db(g.left) - db(l))).toBeLessThan(0.01);
        if (r < 1e-12) expect(g.right).toBe(0);
        else expect(Math.abs(db(g.right) - db(r))).toBeLessThan(0.01);
      }
    });
  }

  it("puts the centre at −3.01, −4.52, −6.02 and 0 dB on both sides", () => {
    const centre: Record<PanLaw, number> = {
      "-3dB": -3.0103,
      "-4.5dB": -4.5154,
      "-6dB": -6.0206,
      "0dB": 0,
    };
    for (const law of Object.keys(centre) as PanLaw[]) {
      const g = gains(law, 0);
      expect(Math.abs(db(g.left) - centre[law])).toBeLessThan(0.001);
      expect(g.right).toBe(g.left);
    }
  });

  it("passes the centre of the 0dB law at exactly unity", () => {
    expect(gains("0dB", 0)).toEqual({ left: 1, right: 1 });
  });

  it("sends a hard-panned signal to one side only, at unity, under every law", () => {
    for (const law of Object.keys(FORMULAS) as PanLaw[]) {
      expect(gains(law, -1)).toEqual({ left: 1, right: 0 });
      expect(gains(law, 1)).toEqual({ left: 0, right: 1 });
    }
  });

  it("is mirror-symmetric bit for bit", () => {
    for (const law of Object.keys(FORMULAS) as PanLaw[]) {
      for (const pan of [0.1, 0.25, 0.5, 0.9]) {
        const a = gains(law, pan);
        const b = gains(law, -pan);
        expect(a.left).toBe(b.right);
        expect(a.right).toBe(b.left);
      }
    }
  });

  it("keeps constant power under −3dB and constant amplitude under −6dB", () => {
    for (let pan = -1; pan <= 1; pan += 0.125) {
      const p = gains("-3dB", pan);
      expect(p.left ** 2 + p.right ** 2).toBeCloseTo(1, 12);
      const a = gains("-6dB", pan);
      expect(a.left + a.right).toBeCloseTo(1, 12);
    }
  });
});
