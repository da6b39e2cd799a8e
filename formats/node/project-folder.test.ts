import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyOperation } from "../../music/operations.ts";
import { tempDir } from "../../test/support/projects.ts";
import { createProjectFolder, loadProjectFolder, saveProjectFolder } from "./project-folder.ts";

describe("project folder", () => {
  it("keeps every saved revision and loads the latest", async () => {
    const dir = await tempDir();
    const first = await createProjectFolder(dir, { title: "Keep" });
    const second = applyOperation(first, {
      type: "song.set",
      changes: { artist: "The Band" },
    }).project;
    await saveProjectFolder(dir, second);
    const revisions = (await readdir(path.join(dir, "revisions"))).sort();
    expect(revisions).toHaveLength(2);
    const oldest = JSON.parse(await readFile(path.join(dir, "revisions", revisions[0]), "utf8"));
    expect(oldest.song.artist).toBe("");
    expect((await loadProjectFolder(dir)).song.artist).toBe("The Band");
    // Nothing half-written is left behind.
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses to save an invalid document and keeps the file as it was", async () => {
    const dir = await tempDir();
    const project = await createProjectFolder(dir);
    const before = await readFile(path.join(dir, "project.json"), "utf8");
    const broken = { ...project, song: { ...project.song, sampleRate: -1 } };
    await expect(saveProjectFolder(dir, broken)).rejects.toThrow(/song\.sampleRate/);
    expect(await readFile(path.join(dir, "project.json"), "utf8")).toBe(before);
  });

  it("names the file and the problem when project.json is not JSON", async () => {
    const dir = await tempDir();
    await createProjectFolder(dir);
    await writeFile(path.join(dir, "project.json"), "{ not json");
    await expect(loadProjectFolder(dir)).rejects.toThrow(/^project\.json is not valid JSON/);
  });
});
