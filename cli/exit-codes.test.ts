import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../music/errors.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** Codes that only a mistake in our own code can raise: a bug, exit 1, is the truth. */
const OUR_BUGS = new Set(["E_FFT_SIZE", "E_FRAME_HOP"]);

/** Every error code the libraries throw, read from their source. */
function thrownCodes(): string[] {
  const codes = new Set<string>();
  for (const folder of ["analysis", "cli", "engine", "formats", "music", "production"]) {
    for (const entry of readdirSync(path.join(ROOT, folder), { recursive: true })) {
      const file = String(entry);
      if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
      const source = readFileSync(path.join(ROOT, folder, file), "utf8");
      for (const match of source.matchAll(/ControlRoomError\(\s*"(E_[A-Z0-9_]+)"/g)) {
        codes.add(match[1]);
      }
    }
  }
  return [...codes].sort();
}

describe("exit codes", () => {
  it("give every error a user can cause its own code, never 'a bug'", () => {
    const codes = thrownCodes();
    expect(codes.length).toBeGreaterThan(30);
    const unmapped = codes.filter(
      (code) =>
        !OUR_BUGS.has(code) && exitCodeFor(new ControlRoomError(code, "x")) === EXIT.internal,
    );
    expect(unmapped).toEqual([]);
  });

  it("tell a usage mistake, a bad file and an unwritable output apart", () => {
    expect(exitCodeFor(new ControlRoomError("E_PLOT_FORMAT", "x"))).toBe(EXIT.usage);
    expect(exitCodeFor(new ControlRoomError("E_PLOT_PNG_UNAVAILABLE", "x"))).toBe(EXIT.output);
    expect(exitCodeFor(new ControlRoomError("E_LOUDNESS_CHANNELS", "x"))).toBe(EXIT.audio);
    expect(exitCodeFor(new Error("boom"))).toBe(EXIT.internal);
  });
});
