import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inverseRealSpectrum,
  powerOfTwoAtLeast,
  realSpectrum,
} from "../acoustics/measurement/real-fft.ts";
import { readMeasurementAudio } from "../acoustics/node/room-files.ts";
import { EXIT } from "../cli/exit-codes.ts";
import { WavFileWriter } from "../formats/node/wav-file.ts";
import { controlroom } from "./support/cli.ts";
import { noise, tempDir } from "./support/projects.ts";

/**
 * `controlroom room` and `controlroom ir` as an engineer runs them: the worked cases of the
 * reference (modes of 4 × 3 × 2.5 m, the Sabine/Eyring check), a treatment plan, a sweep
 * recorded through a known decay, and the recordings and rooms that must be refused.
 */

const RATE = 48_000;
let dir: string;

beforeAll(async () => {
  dir = await tempDir("controlroom-room-");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeWav(file: string, samples: Float64Array, bits: 16 | 24 = 24): Promise<string> {
  const out = path.join(dir, file);
  const writer = WavFileWriter.open(out, {
    channels: 1,
    sampleRate: RATE,
    encoding: "int",
    bitsPerSample: bits,
    dither: "none",
  });
  writer.write([samples], 0, samples.length);
  await writer.commit();
  return out;
}

function writeJson(file: string, value: unknown): string {
  const out = path.join(dir, file);
  writeFileSync(out, JSON.stringify(value));
  return out;
}

describe("controlroom room", () => {
  it("lists 42.9, 57.2 and 68.6 Hz axial and 71.5 Hz for (1,1,0) in a 4 × 3 × 2.5 m room", () => {
    const run = controlroom("room", "modes", "--dims", "4x3x2.5", "--max", "100", "--json");
    expect(run.status).toBe(EXIT.ok);
    const out = JSON.parse(run.stdout);
    const hz = (indices: number[]) =>
      out.modes
        .find((m: { indices: number[] }) => m.indices.join() === indices.join())
        .frequencyHz.toFixed(1);
    expect([hz([1, 0, 0]), hz([0, 1, 0]), hz([0, 0, 1]), hz([1, 1, 0])]).toEqual([
      "42.9",
      "57.2",
      "68.6",
      "71.5",
    ]);
  });

  it("prints the mode table and draws the mode chart", () => {
    const plot = path.join(dir, "modes.svg");
    const run = controlroom("room", "modes", "--dims", "5x4x2.7", "--plot", plot);
    expect(run.status).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/\(1,0,0\) length\s+axial\s+34\.3 Hz/);
    expect(run.stdout).toMatch(/Bonello/);
    expect(readFileSync(plot, "utf8")).toMatch(/^<svg[^>]+>[\s\S]*Room modes[\s\S]*<\/svg>\n$/);
  });

  it.each([
    [
      "0x4x2.7",
      /E_ROOM_DIMENSIONS: the room's length is 0 m; each dimension must be a positive number of metres/,
    ],
    ["5x-4x2.7", /E_ROOM_DIMENSIONS: the room's width is -4 m/],
    ["500x400x270", /E_ROOM_DIMENSIONS: the room's length is 500 m, which is not a room's size/],
  ])("refuses the dimensions %s with a reason", (dims, reason) => {
    const run = controlroom("room", "modes", "--dims", dims);
    expect(run.status).toBe(EXIT.usage);
    expect(run.stderr).toMatch(reason);
  });

  it("reads the reference check as 1.2114 s by Sabine and 1.0204 s by Eyring (± 0.0005)", () => {
    const flat = (a: number) => [a, a, a, a, a, a];
    const room = writeJson("hall.json", {
      volume: 3000,
      materials: [
        { id: "a", name: "α 0.10", absorption: flat(0.1), source: "reference check" },
        { id: "b", name: "α 0.25", absorption: flat(0.25), source: "reference check" },
        { id: "c", name: "α 0.45", absorption: flat(0.45), source: "reference check" },
      ],
      surfaces: [
        { name: "one", material: "a", area: 240 },
        { name: "two", material: "b", area: 600 },
        { name: "three", material: "c", area: 500 },
      ],
    });
    const run = controlroom("room", "rt60", room, "--json");
    expect(run.status).toBe(EXIT.ok);
    const out = JSON.parse(run.stdout);
    for (const t of out.sabineSeconds) expect(Math.abs(t - 1.2114)).toBeLessThan(0.0005);
    for (const t of out.eyringSeconds) expect(Math.abs(t - 1.0204)).toBeLessThan(0.0005);
  });

  const mixRoom = {
    name: "Mix room",
    dimensions: { length: 5, width: 4, height: 2.7 },
    boundaries: { floor: "wood-floor", ceiling: "gypsum-board-13mm", walls: "gypsum-board-13mm" },
    surfaces: [{ name: "window", material: "glass-3mm", area: 2.4, on: "left" }],
  };

  it("plans panels that bring a bare room to 0.3 s and draws RT60 before and after", () => {
    const room = writeJson("mix.json", mixRoom);
    const plot = path.join(dir, "plan.svg");
    const run = controlroom("room", "plan", room, "--target", "0.3", "--plot", plot);
    expect(run.status).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/total\s+\d+\s+[\d.]+ m²\s+\d+ EUR/);
    expect(run.stdout).toMatch(/1 kHz\s+0\.25–0\.35 s\s+2\.\d\d s\s+0\.3\d s\s+in range/);
    expect(readFileSync(plot, "utf8")).toContain("RT60 before and after treatment");
    const json = JSON.parse(
      controlroom("room", "plan", room, "--target", "0.2-0.4", "--json").stdout,
    );
    expect(json.inRange.every(Boolean)).toBe(true);
  });

  it("names an unknown material with the nearest known ones", () => {
    const room = writeJson("typo.json", {
      ...mixRoom,
      boundaries: { ...mixRoom.boundaries, floor: "wood-flor" },
    });
    const run = controlroom("room", "rt60", room);
    expect(run.status).toBe(EXIT.usage);
    expect(run.stderr).toMatch(
      /E_ROOM_MATERIAL: typo.json: boundaries.floor: unknown material "wood-flor"; did you mean wood-floor/,
    );
  });

  it("gives the 38 % seat and the first reflection points", () => {
    const room = writeJson("layout.json", mixRoom);
    const out = JSON.parse(controlroom("room", "layout", room, "--json").stdout);
    expect(out.advice.rule38.x).toBeCloseTo(1.9, 9);
    expect(out.reflections).toHaveLength(12);
  });
});

describe("controlroom ir", () => {
  let sweep: string;
  let sweepSamples: Float32Array;

  beforeAll(async () => {
    sweep = path.join(dir, "sweep.wav");
    const run = controlroom("ir", "sweep", "-o", sweep, "--seconds", "4");
    expect(run.status).toBe(EXIT.ok);
    sweepSamples = (await readMeasurementAudio(sweep)).samples;
  });

  /** The sweep as a room at `rt60` gives it back: a direct sound and a decaying tail. */
  function throughRoom(rt60: number, gain = 0.5): Float64Array {
    const tail = noise(Math.round(rt60 * RATE), 1, 5);
    const decay = (3 * Math.LN10) / rt60;
    const ir = new Float64Array(tail.length);
    ir[240] = 1;
    for (let n = 240; n < ir.length; n++)
      ir[n] += 0.1 * tail[n] * Math.exp((-decay * (n - 240)) / RATE);
    const size = powerOfTwoAtLeast(sweepSamples.length + ir.length);
    const S = realSpectrum(sweepSamples, size);
    const R = realSpectrum(ir, size);
    const C = new Float64Array(size + 2);
    for (let k = 0; k <= size / 2; k++) {
      C[2 * k] = S[2 * k] * R[2 * k] - S[2 * k + 1] * R[2 * k + 1];
      C[2 * k + 1] = S[2 * k] * R[2 * k + 1] + S[2 * k + 1] * R[2 * k];
    }
    const out = inverseRealSpectrum(C, size).slice(0, sweepSamples.length);
    let peak = 0;
    for (const v of out) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < out.length; i++) out[i] *= gain / peak;
    return out;
  }

  it("writes the sweep with its silence after it", () => {
    expect(sweepSamples.length).toBe(7 * RATE);
    expect(sweepSamples.subarray(4 * RATE).every((v) => v === 0)).toBe(true);
  });

  it("reads a recorded room's decay per band with a table, JSON and decay plots", async () => {
    const recording = await writeWav("room.wav", throughRoom(0.5));
    const plot = path.join(dir, "decay.svg");
    const run = controlroom("ir", "analyze", recording, "--sweep", sweep, "--json", "--plot", plot);
    expect(run.status).toBe(EXIT.ok);
    const out = JSON.parse(run.stdout);
    expect(out.bands.map((b: { band: number }) => b.band)).toEqual([
      125, 250, 500, 1000, 2000, 4000,
    ]);
    // The room rings 0.5 s: a direct sound 20 dB above a tail decaying 60 dB in 0.5 s.
    expect(Math.abs(out.broadband.t30.seconds / 0.5 - 1)).toBeLessThan(0.05);
    for (const band of out.bands) expect(Math.abs(band.t30.seconds / 0.5 - 1)).toBeLessThan(0.1);
    expect(out.bands[3].c80Db).not.toBeNull();
    expect(existsSync(plot)).toBe(true);
    expect(existsSync(path.join(dir, "decay-response.svg"))).toBe(true);
    const table = controlroom("ir", "analyze", recording, "--sweep", sweep);
    expect(table.stdout).toMatch(/Band\s+EDT\s+T20\s+T30\s+C50\s+C80\s+noise floor\s+reliable/);
    expect(table.stdout).toMatch(/broadband/);
  });

  it("refuses a silent recording and says what to check", async () => {
    const recording = await writeWav("silence.wav", new Float64Array(6 * RATE));
    const run = controlroom("ir", "analyze", recording, "--sweep", sweep);
    expect(run.status).toBe(EXIT.audio);
    expect(run.stderr).toMatch(
      /E_IR_SILENT: silence.wav is silent \(its peak is -inf dBFS\): check that the microphone is on/,
    );
  });

  it("refuses a clipped recording and says how far to turn down", async () => {
    const loud = throughRoom(0.5, 4).map((v) => Math.max(-1, Math.min(1, v)));
    const recording = await writeWav("clipped.wav", loud, 16);
    const run = controlroom("ir", "analyze", recording, "--sweep", sweep);
    expect(run.status).toBe(EXIT.audio);
    expect(run.stderr).toMatch(
      /E_IR_CLIPPED: clipped.wav clips: \d+ samples sit at full scale, the first at [\d.]+ s; turn the playback or the input gain down by 6 dB/,
    );
  });

  it("refuses a recording that stops with the sweep", async () => {
    const recording = await writeWav("cut.wav", throughRoom(0.5).slice(0, 4 * RATE));
    const run = controlroom("ir", "analyze", recording, "--sweep", sweep);
    expect(run.status).toBe(EXIT.audio);
    expect(run.stderr).toMatch(
      /E_IR_RECORDING_SHORT: cut.wav is 4.00 s long; the sweep alone lasts 4.00 s/,
    );
  });

  it("refuses a recording that never heard the sweep", async () => {
    const recording = await writeWav("noise.wav", noise(7 * RATE, 0.1, 9));
    const run = controlroom("ir", "analyze", recording, "--sweep", sweep);
    expect(run.status).toBe(EXIT.audio);
    expect(run.stderr).toMatch(/E_IR_NO_SWEEP: noise.wav does not seem to hold the sweep/);
  });
});
