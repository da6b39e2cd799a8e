import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ControlRoomError } from "../../../music/errors.ts";
import { loadProjectFolder } from "../../node/project-folder.ts";
import { midiToProject } from "../midi-import.ts";
import { exportMidiFile, importMidiFile } from "./import-midi-file.ts";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const midiDir = path.join(repoRoot, "..", "shared", "testdata", "midi");
const bach = path.join(midiDir, "bach", "bach_846.mid");
const haveBach = existsSync(bach);
if (!haveBach)
  console.log(`MIDI folder import skipped: ${bach} is absent (it comes with ../shared/testdata)`);

const dir = mkdtempSync(path.join(tmpdir(), "import-midi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveBach)("importing a MIDI file into a new project folder", () => {
  it("writes a project folder that loads back with the file's tracks and tempo map", async () => {
    const target = path.join(dir, "bach");
    const imported = await importMidiFile(bach, target);
    const loaded = await loadProjectFolder(target);
    expect(loaded).toEqual(imported);
    expect(loaded.tracks.length).toBe(6);
    expect(existsSync(path.join(target, "audio"))).toBe(true);
  });

  it("refuses a folder that already holds a project, and leaves it as it was", async () => {
    const target = path.join(dir, "taken");
    await importMidiFile(bach, target);
    const before = readFileSync(path.join(target, "project.json"), "utf8");
    await expect(importMidiFile(bach, target)).rejects.toMatchObject({ code: "E_PROJECT_EXISTS" });
    expect(readFileSync(path.join(target, "project.json"), "utf8")).toBe(before);
  });

  it("exports a project to a MIDI file that imports with the same notes", async () => {
    const project = await importMidiFile(bach, path.join(dir, "again"));
    const file = path.join(dir, "bach-export.mid");
    exportMidiFile(project, file);
    const back = midiToProject(new Uint8Array(readFileSync(file)), "bach-export.mid");
    expect(back.tracks.map((t) => t.noteClips)).toEqual(project.tracks.map((t) => t.noteClips));
  });
});

describe("importing what is not there or not MIDI", () => {
  it("names a file that does not exist", async () => {
    const missing = path.join(dir, "nothing.mid");
    const error = await importMidiFile(missing, path.join(dir, "x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlRoomError);
    expect(error).toMatchObject({ code: "E_MIDI_MISSING", subject: missing });
  });

  it("writes no project folder when the file is not MIDI", async () => {
    const text = path.join(dir, "notes.mid");
    writeFileSync(text, "these are my notes, not a MIDI file");
    const target = path.join(dir, "not-made");
    await expect(importMidiFile(text, target)).rejects.toMatchObject({ code: "E_MIDI_NOT_MIDI" });
    expect(existsSync(target)).toBe(false);
  });
});
