import { describe, expect, it } from "vitest";
import { chordSheet } from "./chordpro.ts";
import { SCHEMA_VERSION } from "./project.ts";
import { PPQ } from "./tempo-map.ts";
import { parseProject } from "./validate.ts";

describe("ChordPro chord sheet", () => {
  it("writes sections as environments, chords inline before their syllables, a line a bar", () => {
    const project = parseProject({
      schemaVersion: SCHEMA_VERSION,
      song: { title: "Morning", artist: "The Band" },
      tempo: {
        changes: [{ tick: 0, bpm: 96 }],
        timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }],
      },
      sections: [
        { id: "i", name: "Intro", startTick: 0, lengthTicks: 3 * PPQ },
        { id: "v", name: "Verse 1", startTick: 3 * PPQ, lengthTicks: 6 * PPQ },
      ],
      chords: [
        { tick: 0, symbol: "G" },
        { tick: 3 * PPQ + PPQ, symbol: "Em" },
        { tick: 6 * PPQ, symbol: "C/G" },
      ],
      tracks: [
        {
          id: "vox",
          name: "Vox",
          kind: "instrument",
          lyrics: [
            { tick: 3 * PPQ, text: "Sun" },
            { tick: 3 * PPQ + PPQ, text: "is" },
            { tick: 3 * PPQ + 2 * PPQ, text: "ri-" },
            { tick: 6 * PPQ, text: "sing" },
          ],
        },
      ],
    });
    expect(chordSheet(project)).toBe(
      [
        "{title: Morning}",
        "{artist: The Band}",
        "{tempo: 96}",
        "{time: 3/4}",
        "",
        "{comment: Intro}",
        "[G]",
        "",
        "{start_of_verse: Verse 1}",
        "[G]Sun [Em]is ri-",
        "[C/G]sing",
        "{end_of_verse}",
        "",
      ].join("\n"),
    );
  });
});
