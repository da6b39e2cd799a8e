import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { measureLoudnessFile } from "../analysis/node/measure-file.ts";
import { renderProject } from "../engine/node/render-project.ts";
import { generateDemoSong } from "../examples/demo-song/generate.ts";
import { arrangementMatrix } from "../music/arrangement.ts";
import { History } from "../music/history.ts";
import type { Operation } from "../music/operations.ts";
import type { Project } from "../music/project.ts";
import { TempoMap } from "../music/tempo-map.ts";
import { tempDir } from "./support/projects.ts";

/**
 * The demo song's drums, bass and pad are clips that play the whole song from bar 1, and its
 * keys one note clip from the verse on: every section edge crosses them. A rearrangement has
 * to cut them there, or the chorus goes silent.
 */
let dir: string;
let demo: Project;

beforeAll(async () => {
  dir = await tempDir("controlroom-arrange-demo-");
  demo = await generateDemoSong(dir);
});

/** Which tracks play in a section, by the arrangement matrix. */
function playingIn(project: Project, sectionId: string): string[] {
  const matrix = arrangementMatrix(project);
  const column = matrix.sections.findIndex((s) => s.id === sectionId);
  return matrix.tracks.filter((_, t) => matrix.cells[t][column].playing).map((t) => t.id);
}

/** Integrated loudness (BS.1770-5) of each stem over a section, rendered from its start. */
async function stemLoudness(
  project: Project,
  sectionId: string,
  name: string,
): Promise<Record<string, number>> {
  const tempo = new TempoMap(project.tempo);
  const s = project.sections.find((x) => x.id === sectionId)!;
  const stemsDir = path.join(dir, `stems-${name}`);
  const report = await renderProject(dir, project, {
    output: null,
    format: "wav",
    bitDepth: "32f",
    stemsDir,
    startSeconds: tempo.ticksToSeconds(s.startTick),
    endSeconds: tempo.ticksToSeconds(s.startTick + s.lengthTicks),
    threads: 0,
  });
  const loudness: Record<string, number> = {};
  for (const file of report.stems) {
    const stem = path.basename(file, ".wav").replace(/^\d+ /, "");
    loudness[stem] = (await measureLoudnessFile(file)).report.integratedLufs;
  }
  return loudness;
}

async function expectChorusKept(operation: Operation, name: string) {
  const history = new History(demo);
  const after = history.apply(operation);
  const chorus = demo.sections.find((s) => s.name === "Chorus")!;
  const newChorus = after.sections.find((s) => s.id === chorus.id)!;

  const before = playingIn(demo, chorus.id);
  expect(before).toEqual(["kick", "snare", "hats", "bass", "pad", "keys"]);
  expect(playingIn(after, newChorus.id)).toEqual(before);

  const original = await stemLoudness(demo, chorus.id, `${name}-before`);
  const moved = await stemLoudness(after, newChorus.id, `${name}-after`);
  console.log(
    `${name}: chorus stems (LUFS) before → after\n${Object.entries(original)
      .map(([stem, lufs]) => `  ${stem}: ${lufs.toFixed(3)} → ${moved[stem].toFixed(3)}`)
      .join("\n")}`,
  );
  expect(Object.keys(moved)).toEqual(Object.keys(original));
  for (const [stem, lufs] of Object.entries(original)) {
    expect(Number.isFinite(lufs), stem).toBe(true);
    expect(Math.abs(moved[stem] - lufs), stem).toBeLessThanOrEqual(0.1);
  }

  expect(history.undo()).toEqual(demo);
}

describe("rearranging the demo song keeps the chorus", () => {
  it("plays every chorus track at the same loudness (±0.1 LU) after the verse is duplicated; undo restores the song", async () => {
    await expectChorusKept({ type: "section.duplicate", sectionId: "verse" }, "duplicate-verse");
  }, 120_000);

  it("plays every chorus track at the same loudness (±0.1 LU) after the chorus moves before the intro; undo restores the song", async () => {
    await expectChorusKept({ type: "section.move", sectionId: "chorus", toTick: 0 }, "move-chorus");
  }, 120_000);
});
