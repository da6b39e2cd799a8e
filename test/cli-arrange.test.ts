import { readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProjectFolder } from "../formats/node/project-folder.ts";
import { PPQ } from "../music/tempo-map.ts";
import { controlroom } from "./support/cli.ts";
import { noise, tempDir, writeProject, writeSource } from "./support/projects.ts";

const BAR = 4 * PPQ;
let song: string;

beforeAll(async () => {
  song = path.join(await tempDir("controlroom-arrange-"), "song");
  const take = await writeSource(song, "take", 48_000, [noise(48_000, 0.1, 1)]);
  await writeProject(song, {
    song: { title: "Arrange me" },
    sections: [
      { id: "v1", name: "Verse 1", startTick: 0, lengthTicks: 4 * BAR },
      { id: "v2", name: "Verse 2", startTick: 4 * BAR, lengthTicks: 4 * BAR },
      { id: "ch", name: "Chorus", startTick: 8 * BAR, lengthTicks: 4 * BAR },
    ],
    sources: [take],
    tracks: [
      {
        id: "gtr",
        name: "Guitar",
        kind: "audio",
        clips: [{ id: "g", sourceId: "take", startTick: 0, lengthFrames: 48_000 }],
      },
      {
        id: "bass",
        name: "Bass",
        kind: "instrument",
        noteClips: [
          {
            id: "b",
            startTick: 4 * BAR,
            lengthTicks: 4 * BAR,
            notes: [
              { pitch: 40, velocity: 100, startTick: 0, lengthTicks: PPQ },
              { pitch: 43, velocity: 100, startTick: BAR, lengthTicks: PPQ },
            ],
          },
        ],
      },
    ],
  });
});

describe("controlroom arrange", () => {
  it("prints which track plays in which section", () => {
    const result = controlroom("arrange", song);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^\s+Verse 1\s+Verse 2\s+Chorus$/);
    expect(lines[1]).toMatch(/bar 1 · 0:00\.0\s+bar 5 · 0:08\.0\s+bar 9 · 0:16\.0/);
    expect(lines[2]).toMatch(/^\s*Guitar\s+●\s+·\s+·$/);
    expect(lines[3]).toMatch(/^\s*Bass\s+·\s+● 2\s+·$/);
  });

  it("brings the bass into the chorus and moves the second verse after it, saving a revision", async () => {
    const revisions = (await readdir(path.join(song, "revisions"))).length;
    const result = controlroom(
      "arrange",
      song,
      "--on",
      "Bass@Chorus",
      "--move",
      "Verse 2",
      "--after",
      "Chorus",
      "--json",
    );
    expect(result.status, result.stderr).toBe(0);
    const matrix = JSON.parse(result.stdout);
    expect(matrix.sections.map((s: { name: string }) => s.name)).toEqual([
      "Verse 1",
      "Chorus",
      "Verse 2",
    ]);
    expect(matrix.cells[1].map((c: { notes: number }) => c.notes)).toEqual([0, 2, 2]);
    const saved = await loadProjectFolder(song);
    expect(saved.sections.map((s) => s.startTick / BAR)).toEqual([0, 4, 8]);
    expect((await readdir(path.join(song, "revisions"))).length).toBe(revisions + 1);
  });

  it("names what it cannot find, and changes nothing", async () => {
    const before = await loadProjectFolder(song);
    const result = controlroom("arrange", song, "--off", "Drums@Chorus");
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'E_USAGE: arrange: --off: there is no track "Drums" (tracks: Guitar, Bass)',
    );
    expect(await loadProjectFolder(song)).toEqual(before);
  });
});
