import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderProject } from "../engine/node/render-project.ts";
import { WavFileReader } from "../formats/node/wav-file.ts";
import type { Project } from "../music/project.ts";
import { neutralStrip } from "../music/strip.ts";
import { tempDir, writeProject } from "./support/projects.ts";

const RATE = 48_000;
/** At the default 120 BPM a quarter note (960 ticks) is 0.5 s: 24 000 frames. */
const QUARTER = 960;
const FRAMES_PER_QUARTER = 24_000;

function readWav(file: string): Float64Array[] {
  const reader = WavFileReader.open(file);
  const { channels, frames } = reader.info;
  const out = Array.from({ length: channels }, () => new Float64Array(frames));
  reader.readFrames(0, frames, out, 0);
  reader.close();
  return out;
}

/** Frames where the 5 ms energy jumps by 20 dB or more over the window before: note onsets. */
function onsets(x: Float64Array, window = 240): number[] {
  const energy: number[] = [];
  for (let at = 0; at + window <= x.length; at += window) {
    let sum = 0;
    for (let i = at; i < at + window; i++) sum += x[i] * x[i];
    energy.push(sum / window);
  }
  const found: number[] = [];
  for (let w = 1; w < energy.length; w++) {
    if (energy[w] > 1e-7 && energy[w] > 100 * energy[w - 1]) found.push(w * window);
  }
  return found;
}

const strip = { ...neutralStrip(), panLaw: "0dB" as const };

describe("instrument tracks in a render", () => {
  let dir: string;
  let project: Project;
  beforeAll(async () => {
    dir = await tempDir();
    project = await writeProject(dir, {
      song: { title: "Notes", sampleRate: RATE },
      tracks: [
        {
          id: "piano",
          name: "Piano",
          kind: "instrument",
          strip,
          instrument: { soundfont: "default", bank: 0, program: 0, drums: false },
          noteClips: [
            {
              id: "n1",
              startTick: 0,
              lengthTicks: 4 * QUARTER,
              notes: [
                { pitch: 60, velocity: 100, startTick: QUARTER, lengthTicks: QUARTER / 2 },
                { pitch: 64, velocity: 90, startTick: 2 * QUARTER, lengthTicks: QUARTER / 2 },
                // Cut at the clip's end, a quarter later.
                { pitch: 67, velocity: 80, startTick: 3 * QUARTER, lengthTicks: 4 * QUARTER },
              ],
              controllers: [{ tick: 2 * QUARTER + 100, controller: 10, value: 30 }],
              pitchBends: [{ tick: 3 * QUARTER + 200, value: 2000 }],
            },
            {
              id: "muted",
              startTick: 0,
              lengthTicks: 4 * QUARTER,
              mute: true,
              notes: [{ pitch: 48, velocity: 127, startTick: 0, lengthTicks: QUARTER }],
            },
          ],
        },
        {
          id: "drums",
          name: "Drums",
          kind: "instrument",
          strip,
          instrument: { soundfont: "default", bank: 0, program: 0, drums: true },
          noteClips: [
            {
              id: "d1",
              startTick: 4 * QUARTER,
              lengthTicks: 2 * QUARTER,
              notes: [
                { pitch: 36, velocity: 110, startTick: 0, lengthTicks: 240 },
                { pitch: 42, velocity: 90, startTick: QUARTER / 2, lengthTicks: 240 },
                { pitch: 38, velocity: 100, startTick: QUARTER, lengthTicks: 240 },
              ],
              programChanges: [{ tick: QUARTER + 400, program: 25 }],
            },
          ],
        },
      ],
      master: { limiter: { enabled: false } },
    });
  });

  const render = async (name: string, options: { blockFrames?: number; threads?: number }) => {
    const output = path.join(dir, `${name}.wav`);
    const report = await renderProject(dir, project, {
      output,
      format: "wav",
      bitDepth: "32f",
      ...options,
    });
    return { output, report };
  };

  it("sounds each note from its frame, lasts until the last note clip ends", async () => {
    const { output, report } = await render("notes", { threads: 0 });
    expect(report.frames).toBe(6 * FRAMES_PER_QUARTER);
    const [left, right] = readWav(output);
    // The muted clip's note at frame 0 is not heard: nothing sounds before the first note.
    const first = left.findIndex((x) => x !== 0);
    expect(first).toBeGreaterThanOrEqual(FRAMES_PER_QUARTER);
    expect(first).toBeLessThan(FRAMES_PER_QUARTER + 4);
    expect(onsets(right)).toEqual([1, 2, 3, 4, 4.5, 5].map((q) => q * FRAMES_PER_QUARTER));
  });

  it("renders bit-identical files for any block size and thread count", async () => {
    const reference = await readFile(
      (await render("b512-t0", { blockFrames: 512, threads: 0 })).output,
    );
    for (const [blockFrames, threads] of [
      [64, 0],
      [37, 0],
      [37, 2],
    ]) {
      const { output } = await render(`b${blockFrames}-t${threads}`, { blockFrames, threads });
      expect(
        (await readFile(output)).equals(reference),
        `block ${blockFrames}, ${threads} threads`,
      ).toBe(true);
    }
  });
});

describe("soundfonts a project names", () => {
  const projectWith = async (soundfont: string) => {
    const dir = await tempDir();
    const project = await writeProject(dir, {
      tracks: [
        {
          id: "t",
          name: "Keys",
          kind: "instrument",
          instrument: { soundfont, bank: 0, program: 0, drums: false },
          noteClips: [
            {
              id: "c",
              startTick: 0,
              lengthTicks: QUARTER,
              notes: [{ pitch: 60, velocity: 100, startTick: 0, lengthTicks: QUARTER }],
            },
          ],
        },
      ],
    });
    return { dir, project };
  };

  it("reports a missing soundfont by its file before rendering", async () => {
    const { dir, project } = await projectWith("soundfonts/strings.sf2");
    for (const threads of [0, 2]) {
      await expect(
        renderProject(dir, project, { output: null, format: "wav", bitDepth: "32f", threads }),
      ).rejects.toMatchObject({ code: "E_SOUNDFONT_MISSING", subject: "soundfonts/strings.sf2" });
    }
  });

  it("reports a corrupt soundfont by its file, on one thread or many", async () => {
    const { dir, project } = await projectWith("soundfonts/broken.sf3");
    await mkdir(path.join(dir, "soundfonts"));
    await writeFile(path.join(dir, "soundfonts", "broken.sf3"), "RIFF....sfbkLIST garbage");
    for (const threads of [0, 2]) {
      await expect(
        renderProject(dir, project, { output: null, format: "wav", bitDepth: "32f", threads }),
      ).rejects.toMatchObject({ code: "E_SOUNDFONT_CORRUPT", subject: "soundfonts/broken.sf3" });
    }
  });
});
