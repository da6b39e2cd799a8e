import { describe, expect, it } from "vitest";
import { db, signedDb, table } from "./format-table.ts";

describe("meter numbers", () => {
  it("show silence as -inf, no value as n/a, and never -0.0", () => {
    expect(db(Number.NEGATIVE_INFINITY, "LUFS")).toBe("-inf LUFS");
    expect(db(Number.NaN, "LU")).toBe("n/a");
    expect(db(-1e-10, "LU")).toBe("0.0 LU");
    expect(db(-0.04, "LU")).toBe("0.0 LU");
    expect(db(-14.04, "LUFS")).toBe("-14.0 LUFS");
    expect(signedDb(-1e-10, "LU")).toBe("0.0 LU");
    expect(signedDb(0.04)).toBe("0.0 dB");
    expect(signedDb(0.05)).toBe("+0.1 dB");
    expect(signedDb(-6.02, "LU")).toBe("-6.0 LU");
    expect(signedDb(Number.POSITIVE_INFINITY, "LU")).toBe("+inf LU");
    expect(signedDb(Number.NEGATIVE_INFINITY)).toBe("-inf dB");
    expect(signedDb(Number.NaN)).toBe("n/a");
  });
});

describe("tables", () => {
  it("pad every column to its widest cell, words left and numbers right", () => {
    expect(
      table(
        ["Track", "Kind", "Fader"],
        [
          ["Kick", "audio", "0.0 dB"],
          ["Drum Bus", "bus", "-12.0 dB"],
        ],
        "",
        ["left", "left", "right"],
      ).split("\n"),
    ).toEqual([
      "Track      Kind       Fader",
      "Kick       audio     0.0 dB",
      "Drum Bus   bus     -12.0 dB",
    ]);
  });
});
