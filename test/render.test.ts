import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderProject } from "../engine/node/render-project.ts";
import { generateDemoSong } from "../examples/demo-song/generate.ts";
import { WavFileReader } from "../formats/node/wav-file.ts";
import type { Project } from "../music/project.ts";
import { neutralStrip } from "../music/strip.ts";
import { noise, tempDir, writeProject, writeSource } from "./support/projects.ts";

function readWav(file: string): Float64Array[] {
  const reader = WavFileReader.open(file);
  const { channels, frames } = reader.info;
  const out = Array.from({ length: channels }, () => new Float64Array(frames));
  reader.readFrames(0, frames, out, 0);
  reader.close();
  return out;
}

function maxDifference(a: Float64Array[], b: Float64Array[]): number {
  let max = 0;
  for (let c = 0; c < a.length; c++) {
    expect(a[c].length).toBe(b[c].length);
    for (let i = 0; i < a[c].length; i++) max = Math.max(max, Math.abs(a[c][i] - b[c][i]));
  }
  return max;
}

describe("null test", () => {
  it("renders a neutral strip at unity, centred under the 0 dB law, bit-identical to its source", async () => {
    const dir = await tempDir();
    const rate = 48_000;
    const left = noise(rate * 3, 0.5, 1);
    const right = noise(rate * 3, 0.5, 2);
    const source = await writeSource(dir, "take", rate, [left, right]);
    await writeProject(dir, {
      sources: [source],
      tracks: [
        {
          id: "t",
          name: "Take",
          kind: "audio",
          strip: { ...neutralStrip(), panLaw: "0dB" },
          clips: [{ id: "c", sourceId: "take", startTick: 0, lengthFrames: source.frames }],
        },
      ],
    });
    const project = JSON.parse(await readFile(path.join(dir, "project.json"), "utf8")) as Project;
    for (const threads of [0, 2]) {
      const output = path.join(dir, `mix-${threads}.wav`);
      await renderProject(dir, project, { output, format: "wav", bitDepth: "32f", threads });
      const [outLeft, outRight] = readWav(output);
      // Float32 sources survive the float64 engine and the float32 file exactly.
      expect(outLeft).toEqual(Float64Array.from(Float32Array.from(left)));
      expect(outRight).toEqual(Float64Array.from(Float32Array.from(right)));
    }
  });
});

describe("determinism on the demo song", () => {
  let dir: string;
  let project: Project;
  beforeAll(async () => {
    dir = await tempDir();
    project = await generateDemoSong(dir);
  });

  const render = async (name: string, options: { blockFrames?: number; threads?: number } = {}) => {
    const output = path.join(dir, `${name}.wav`);
    await renderProject(dir, project, {
      output,
      format: "wav",
      bitDepth: "32f",
      endSeconds: 12,
      ...options,
    });
    return output;
  };

  it("renders bit-identical files twice in a row", async () => {
    const a = await readFile(await render("first"));
    const b = await readFile(await render("second"));
    expect(a.equals(b)).toBe(true);
  });

  it("renders the same with worker threads as on one thread", async () => {
    const one = await readFile(await render("one-thread", { threads: 0 }));
    const two = await readFile(await render("two-threads", { threads: 2 }));
    expect(one.equals(two)).toBe(true);
  });

  it("renders a short range on this thread and a long one in worker threads by default", async () => {
    const options = { output: null, format: "wav", bitDepth: 24 } as const;
    const short = await renderProject(dir, project, { ...options, endSeconds: 2 });
    const long = await renderProject(dir, project, { ...options, endSeconds: 12 });
    expect(short.threads).toBe(0);
    expect(long.threads).toBe(Math.min(availableParallelism(), 4));
  });

  it("renders with block size 64 and 512 within −120 dBFS of each other", async () => {
    const small = readWav(await render("block-64", { blockFrames: 64, threads: 0 }));
    const large = readWav(await render("block-512", { blockFrames: 512, threads: 0 }));
    const difference = maxDifference(small, large);
    expect(20 * Math.log10(difference || 1e-300)).toBeLessThan(-120);
  });
});

describe("sources at another rate and automation on the timeline", () => {
  /** Amplitude and phase-free residual of a sine fitted at a known frequency. */
  function sineFit(x: Float64Array, frequency: number, rate: number, from: number, to: number) {
    let re = 0;
    let im = 0;
    for (let n = from; n < to; n++) {
      const w = (2 * Math.PI * frequency * n) / rate;
      re += x[n] * Math.cos(w);
      im += x[n] * Math.sin(w);
    }
    const count = to - from;
    const a = (2 * re) / count;
    const b = (2 * im) / count;
    let residual = 0;
    let power = 0;
    for (let n = from; n < to; n++) {
      const w = (2 * Math.PI * frequency * n) / rate;
      const fit = a * Math.cos(w) + b * Math.sin(w);
      residual += (x[n] - fit) ** 2;
      power += fit ** 2;
    }
    return { amplitude: Math.hypot(a, b), snrDb: 10 * Math.log10(power / residual) };
  }

  it("plays a 44.1 kHz source in a 48 kHz and a 96 kHz render at the same pitch and level", async () => {
    const dir = await tempDir();
    const sourceRate = 44_100;
    const tone = Float64Array.from(
      { length: sourceRate * 2 },
      (_, n) => 0.5 * Math.sin((2 * Math.PI * 1000 * n) / sourceRate),
    );
    const source = await writeSource(dir, "tone", sourceRate, [tone]);
    const project = await writeProject(dir, {
      sources: [source],
      tracks: [
        {
          id: "t",
          name: "Tone",
          kind: "audio",
          strip: { ...neutralStrip(), panLaw: "0dB" },
          clips: [{ id: "c", sourceId: "tone", startTick: 0, lengthFrames: source.frames }],
        },
      ],
      master: { limiter: { enabled: false } },
    });
    for (const rate of [48_000, 96_000]) {
      const output = path.join(dir, `tone-${rate}.wav`);
      const report = await renderProject(dir, project, {
        output,
        format: "wav",
        bitDepth: "32f",
        sampleRate: rate,
      });
      expect(report.frames).toBe(2 * rate);
      const [left] = readWav(output);
      const fit = sineFit(left, 1000, rate, rate / 4, (rate * 7) / 4);
      expect(fit.amplitude).toBeCloseTo(0.5, 5);
      // Limited by the float32 file (about −150 dB) and the resampler (> 120 dB).
      expect(fit.snrDb).toBeGreaterThan(110);
    }
  });

  it("lands a hold automation step on the exact frame of its tick", async () => {
    const dir = await tempDir();
    const rate = 48_000;
    const dc = new Float64Array(rate).fill(0.25);
    const source = await writeSource(dir, "dc", rate, [dc]);
    const project = await writeProject(dir, {
      sources: [source],
      tracks: [
        {
          id: "t",
          name: "DC",
          kind: "audio",
          strip: { ...neutralStrip(), panLaw: "0dB" },
          clips: [{ id: "c", sourceId: "dc", startTick: 0, lengthFrames: rate }],
          // 120 BPM: tick 480 is an eighth note, 0.25 s, frame 12 000.
          automation: [
            {
              parameter: "faderDb",
              points: [
                { tick: 0, value: 0, curve: "hold" },
                { tick: 480, value: -6.020599913279624, curve: "hold" },
              ],
            },
          ],
        },
      ],
    });
    const output = path.join(dir, "step.wav");
    await renderProject(dir, project, { output, format: "wav", bitDepth: "32f", blockFrames: 64 });
    const [left] = readWav(output);
    expect(left[11_999]).toBe(0.25);
    expect(left[12_000]).toBeCloseTo(0.125, 7);
  });
});
