import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { renderProject } from "../../engine/node/render-project.ts";
import { generateDemoSong } from "../../examples/demo-song/generate.ts";
import type { Project } from "../../music/project.ts";
import { type DawprojectExportReport, exportDawproject } from "./node/export-file.ts";
import { importDawproject } from "./node/import-file.ts";
import { describeChange } from "./round-trip.ts";

/**
 * A DAWproject round trip (export, then import) either gives the document back or its
 * export's report names each difference: track, setting, value before and after.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const BITWIG = path.resolve(here, "../../../shared/testdata/dawproject-bitwig");
const SCHEMA = path.resolve(here, "../../../shared/specs/dawproject/Project.xsd");
const hasBitwig = existsSync(BITWIG);
if (!hasBitwig) console.warn(`skipping the Bitwig round trips: ${BITWIG} is absent`);
const canValidate = existsSync(SCHEMA) && spawnSync("xmllint", ["--version"]).status === 0;
if (!canValidate) console.warn("skipping Project.xsd validation: the schema or xmllint is absent");

/** Every leaf where two documents differ, as a dotted path; a missing side reads undefined. */
function differences(a: unknown, b: unknown, at: string[] = []): string[] {
  const object = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
  if (object(a) && object(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences(a[k], b[k], [...at, k]));
  }
  return Object.is(a, b) ? [] : [at.join(".")];
}

/** Paths no entry of the report covers (an entry covers its path and everything under it). */
function unreported(before: Project, after: Project, report: DawprojectExportReport): string[] {
  const named = report.changes.map((c) => c.path);
  return differences(before, after).filter(
    (p) => !named.some((n) => p === n || p.startsWith(`${n}.`)),
  );
}

async function roundTrip(dir: string) {
  const file = `${dir}.dawproject`;
  const report = await exportDawproject(dir, file);
  const { project: after } = await importDawproject(file, `${dir}-again`);
  return { report, after, dir: `${dir}-again` };
}

describe("DAWproject round trip of the demo song", () => {
  it("keeps the sidechain, knee and detector, writes −4 dB as −4, names every other difference, and plays as loud (±0.1 LU)", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "controlroom-round-trip-"));
    const dir = path.join(work, "demo");
    const before = await generateDemoSong(dir);
    const { report, after, dir: again } = await roundTrip(dir);
    console.log(
      `demo round trip, the export's report:\n${report.changes.map((c) => `  ${describeChange(c)}`).join("\n")}`,
    );

    expect(unreported(before, after, report)).toEqual([]);
    if (canValidate) {
      // The settings carried in the devices' <Parameters> keep the file valid.
      const xml = path.join(work, "project.xml");
      writeFileSync(xml, unzipSync(readFileSync(`${dir}.dawproject`))["project.xml"]);
      execFileSync("xmllint", ["--noout", "--schema", SCHEMA, xml], { stdio: "pipe" });
    }
    const bass = after.tracks.find((t) => t.id === "bass")!;
    expect(bass.strip.compressor).toEqual(
      before.tracks.find((t) => t.id === "bass")!.strip.compressor,
    );
    expect(after.tracks.find((t) => t.id === "drums")!.strip.compressor.detection).toBe("rms");
    expect(after.tracks.find((t) => t.id === "hats")!.strip.faderDb).toBe(-4);
    expect(after.tracks.find((t) => t.id === "keys")!.instrument).toEqual(
      before.tracks.find((t) => t.id === "keys")!.instrument,
    );
    // What DAWproject has no place for is named, with the value before and after.
    expect(report.changes).toContainEqual({
      path: "tracks.4.clips.1.fadeOut.shape",
      track: "Pad",
      setting: "clips[pad-b].fadeOut.shape",
      before: "exponential",
      after: "linear",
    });
    expect(report.changes.find((c) => c.path === "chords")).toMatchObject({
      track: "Song",
      before: "16 items",
      after: "none",
    });

    const loudness = async (folder: string, project: Project) =>
      (
        await renderProject(folder, project, {
          output: null,
          format: "wav",
          bitDepth: "32f",
          measureLoudness: true,
        })
      ).loudness!.integratedLufs;
    const original = await loudness(dir, before);
    const readBack = await loudness(again, after);
    console.log(
      `demo loudness: ${original.toFixed(3)} LUFS before, ${readBack.toFixed(3)} LUFS after the round trip`,
    );
    expect(Math.abs(readBack - original)).toBeLessThanOrEqual(0.1);
  }, 180_000);
});

describe.skipIf(!hasBitwig)("DAWproject round trip of Bitwig's files", () => {
  it.each([
    "audio-regions.dawproject",
    "automation.dawproject",
    "eq.dawproject",
    "note-regions.dawproject",
    "virtualcx.dawproject",
  ])("names every difference an export and import again makes to %s", async (name) => {
    const work = await mkdtemp(path.join(tmpdir(), "controlroom-round-trip-"));
    const dir = path.join(work, "first");
    const { project: before } = await importDawproject(path.join(BITWIG, name), dir);
    const { report, after } = await roundTrip(dir);
    expect(unreported(before, after, report)).toEqual([]);
  });
});
