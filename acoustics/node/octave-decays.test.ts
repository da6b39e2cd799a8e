import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OCTAVE_BANDS_HZ } from "../bands.ts";
import { exactMidband } from "../measurement/octave-filters.ts";
import { inverseRealSpectrum, powerOfTwoAtLeast, realSpectrum } from "../measurement/real-fft.ts";
import { roomParameters } from "../measurement/room-parameters.ts";
import { gaussian } from "../measurement/test-signals.ts";

const RATE = 48_000;
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "octave-t30-reference.py");
const scipy = spawnSync("python3", ["-c", "import scipy"]).status === 0;
if (!scipy) {
  console.warn(
    "python3 with SciPy is missing (apt-get install python3-scipy python3-numpy): the per-band comparison with SciPy is skipped",
  );
}

/** Each octave its own decay: noise band-limited to the octave's edges under its own envelope. */
function bandDecays(rt60: readonly number[], seconds: number): Float64Array {
  const frames = Math.round(seconds * RATE);
  const size = powerOfTwoAtLeast(frames);
  const out = new Float64Array(frames);
  OCTAVE_BANDS_HZ.forEach((hz, b) => {
    const random = gaussian(100 + b);
    const noise = Float64Array.from({ length: frames }, random);
    const spectrum = realSpectrum(noise, size);
    const mid = exactMidband(hz);
    for (let k = 0; k <= size / 2; k++) {
      const f = (k * RATE) / size;
      if (f < mid * 10 ** -0.15 || f > mid * 10 ** 0.15) spectrum[2 * k] = spectrum[2 * k + 1] = 0;
    }
    const band = inverseRealSpectrum(spectrum, size);
    const decay = (3 * Math.LN10) / rt60[b];
    for (let n = 0; n < frames; n++) out[n] += band[n] * Math.exp((-decay * n) / RATE);
  });
  return out;
}

describe("T30 per octave band", () => {
  const rt60 = [0.9, 0.8, 0.7, 0.6, 0.5, 0.45];
  const ir = bandDecays(rt60, 1.2);
  const ours = roomParameters({ samples: ir, sampleRate: RATE });

  it("reads each band's own decay (0.9 s at 125 Hz … 0.45 s at 4 kHz) within 8 %", () => {
    ours.bands.forEach((band, b) => {
      expect(Math.abs(band.t30.seconds! / rt60[b] - 1)).toBeLessThan(0.08);
    });
  });

  it.skipIf(!scipy)("agrees within 8 % with SciPy's Butterworth octaves and Schroeder fit", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "controlroom-octaves-"));
    try {
      const file = path.join(dir, "ir.f64");
      writeFileSync(file, new Uint8Array(ir.buffer));
      const run = spawnSync("python3", [SCRIPT, file, String(RATE)], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      const theirs = JSON.parse(run.stdout) as Record<string, number>;
      ours.bands.forEach((band) => {
        const reference = theirs[String(band.band)];
        expect(Math.abs(band.t30.seconds! / reference - 1)).toBeLessThan(0.08);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
