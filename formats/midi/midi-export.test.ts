import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Project, SCHEMA_VERSION } from "../../music/project.ts";
import { parseProject } from "../../music/validate.ts";
import { projectToMidi } from "./midi-export.ts";
import { midiToProject } from "./midi-import.ts";
import { readWithSecondParser } from "./second-parser.support.ts";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const midiDir = path.join(repoRoot, "..", "shared", "testdata", "midi");
const haveMidi = existsSync(midiDir);
if (!haveMidi) {
  console.log(`MIDI round trips skipped: ${midiDir} is absent (it comes with ../shared/testdata)`);
}
const files = haveMidi
  ? readdirSync(midiDir, { recursive: true, encoding: "utf8" })
      .filter((f) => /\.midi?$/i.test(f))
      .sort()
  : [];

function instrumentTrack(
  id: string,
  clips: Record<string, unknown>[],
  instrument: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return { id, name: id, kind: "instrument", noteClips: clips, instrument, ...extra };
}

function clip(id: string, startTick: number, lengthTicks: number, rest = {}) {
  return { id, startTick, lengthTicks, ...rest };
}

/** A song with every kind of event the exporter writes. */
function song(): Project {
  return parseProject({
    schemaVersion: SCHEMA_VERSION,
    song: { title: "Ünïcode song" },
    tempo: {
      changes: [
        { tick: 0, bpm: 96 },
        { tick: 7680, bpm: 132.5 },
      ],
      timeSignatures: [
        { tick: 0, numerator: 4, denominator: 4 },
        { tick: 7680, numerator: 7, denominator: 8 },
      ],
    },
    sections: [
      { id: "verse", name: "Verse", startTick: 0, lengthTicks: 7680 },
      { id: "chorus", name: "Chorus", startTick: 7680, lengthTicks: 3360 },
    ],
    tracks: [
      instrumentTrack(
        "keys",
        [
          clip("keys-1", 0, 7680, {
            notes: [
              { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 960 },
              { pitch: 64, velocity: 90, startTick: 960, lengthTicks: 480 },
              { pitch: 60, velocity: 80, startTick: 960, lengthTicks: 960 },
            ],
            controllers: [
              { tick: 0, controller: 7, value: 100 },
              { tick: 480, controller: 64, value: 127 },
            ],
            pitchBends: [
              { tick: 0, value: -8192 },
              { tick: 240, value: 8191 },
              { tick: 480, value: 0 },
            ],
            programChanges: [{ tick: 3840, program: 5, bank: 129 }],
          }),
        ],
        { program: 4, bank: 8 },
        {
          lyrics: [
            { tick: 0, text: "Hel-" },
            { tick: 960, text: "lo" },
          ],
        },
      ),
      instrumentTrack(
        "kit",
        [
          clip("kit-1", 1920, 1920, {
            notes: [{ pitch: 36, velocity: 127, startTick: 0, lengthTicks: 120 }],
          }),
        ],
        { drums: true },
      ),
    ],
  });
}

const dir = mkdtempSync(path.join(tmpdir(), "midi-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("exporting a project to a Standard MIDI File", () => {
  it("writes format 1 at 960 PPQ with a conductor track first, as a second reader sees it", () => {
    const second = readWithSecondParser(projectToMidi(song()));
    expect(second.format).toBe(1);
    expect(second.division).toBe(960);
    expect(second.trackCount).toBe(3);
    expect(second.timeSignatures).toEqual([
      { tick: 0, numerator: 4, denominator: 4 },
      { tick: 7680, numerator: 7, denominator: 8 },
    ]);
    expect(second.tempos.map((t) => [t.tick, t.bpm])).toEqual([
      [0, 96],
      [7680, 133],
    ]);
    expect(second.markers.map((m) => [m.tick, m.text])).toEqual([
      [0, "Verse"],
      [7680, "Chorus"],
    ]);
    expect(second.lyrics.map((l) => [l.tick, l.text])).toEqual([
      [0, "Hel-"],
      [960, "lo"],
    ]);
    expect(second.parts.map((p) => [p.track, p.channel, p.onsets.length])).toEqual([
      [1, 0, 3],
      [2, 9, 1],
    ]);
    expect(second.parts[0].programs).toEqual([4, 5]);
  });

  it("keeps notes, controllers, pitch bends, programs, banks, lyrics, sections and the tempo map through a round trip", () => {
    const original = song();
    const back = midiToProject(projectToMidi(original), "song.mid");
    expect(back.tempo.timeSignatures).toEqual(original.tempo.timeSignatures);
    // SMF holds a tempo as whole microseconds per quarter note: 132.5 BPM comes back as
    // 60 000 000 / 452 830 = 132.500 05 BPM.
    expect(back.tempo.changes.map((c) => c.tick)).toEqual([0, 7680]);
    back.tempo.changes.forEach((c, i) => {
      const bpm = original.tempo.changes[i].bpm;
      expect(Math.abs(60_000_000 / c.bpm - 60_000_000 / bpm)).toBeLessThanOrEqual(0.5);
    });
    expect(back.sections.map((s) => [s.name, s.startTick])).toEqual([
      ["Verse", 0],
      ["Chorus", 7680],
    ]);
    expect(back.song.title).toBe("Ünïcode song");
    const [keys, kit] = back.tracks;
    expect(keys.name).toBe("keys");
    expect(keys.instrument).toEqual({ soundfont: "default", bank: 8, program: 4, drums: false });
    expect(keys.lyrics).toEqual([
      { tick: 0, text: "Hel-", anchor: "note" },
      { tick: 960, text: "lo", anchor: "note" },
    ]);
    const keysClip = keys.noteClips[0];
    expect(keysClip.notes).toEqual(
      original.tracks[0].noteClips[0].notes.toSorted(
        (a, b) => a.startTick - b.startTick || a.pitch - b.pitch,
      ),
    );
    expect(keysClip.controllers).toEqual(original.tracks[0].noteClips[0].controllers);
    expect(keysClip.pitchBends).toEqual(original.tracks[0].noteClips[0].pitchBends);
    expect(keysClip.programChanges).toEqual([{ tick: 3840, program: 5, bank: 129 }]);
    expect(kit.instrument?.drums).toBe(true);
    expect(kit.noteClips[0].startTick + kit.noteClips[0].notes[0].startTick).toBe(1920);
  });

  it("gives drums channel 10 and the other tracks 1–16 without 10, sharing them past fifteen", () => {
    const tracks = Array.from({ length: 17 }, (_, i) =>
      instrumentTrack(`t${i}`, [
        clip(`c${i}`, 0, 960, {
          notes: [{ pitch: 40 + i, velocity: 100, startTick: 0, lengthTicks: 100 }],
        }),
      ]),
    );
    tracks.splice(
      3,
      0,
      instrumentTrack(
        "drums",
        [
          clip("d", 0, 960, {
            notes: [{ pitch: 38, velocity: 90, startTick: 0, lengthTicks: 10 }],
          }),
        ],
        { drums: true },
      ),
    );
    const project = parseProject({ schemaVersion: SCHEMA_VERSION, tracks });
    const second = readWithSecondParser(projectToMidi(project));
    expect(second.parts.map((p) => p.channel + 1)).toEqual([
      1, 2, 3, 10, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 1, 2,
    ]);
  });

  it("leaves muted clips out and cuts notes at the end of their clip", () => {
    const project = parseProject({
      schemaVersion: SCHEMA_VERSION,
      tracks: [
        instrumentTrack("lead", [
          clip("heard", 0, 960, {
            notes: [
              { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 4000 },
              { pitch: 62, velocity: 100, startTick: 960, lengthTicks: 10 },
            ],
          }),
          clip("muted", 1920, 960, {
            mute: true,
            notes: [{ pitch: 70, velocity: 100, startTick: 0, lengthTicks: 100 }],
          }),
        ]),
      ],
    });
    const back = midiToProject(projectToMidi(project), "cut.mid");
    expect(back.tracks[0].noteClips[0].notes).toEqual([
      { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 960 },
    ]);
  });

  it("writes nothing for audio and bus tracks, only the conductor track", () => {
    const project = parseProject({
      schemaVersion: SCHEMA_VERSION,
      tracks: [{ id: "bus", name: "Bus", kind: "bus" }],
    });
    expect(readWithSecondParser(projectToMidi(project)).trackCount).toBe(1);
  });
});

describe.skipIf(!haveMidi)("round trips of the files in ../shared/testdata/midi", () => {
  for (const file of files) {
    it(`keeps the notes, tempo map and programs of ${file}`, () => {
      const imported = midiToProject(new Uint8Array(readFileSync(path.join(midiDir, file))), file);
      const back = midiToProject(projectToMidi(imported), file);
      expect(back.tempo).toEqual(imported.tempo);
      expect(back.sections).toEqual(imported.sections);
      expect(back.tracks.map((t) => t.instrument)).toEqual(
        imported.tracks.map((t) => t.instrument),
      );
      expect(back.tracks.map((t) => t.noteClips)).toEqual(imported.tracks.map((t) => t.noteClips));
    });
  }
});

function installed(tool: string): boolean {
  try {
    execFileSync("which", [tool], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const haveTimidity = installed("timidity");
if (!haveTimidity) console.log("MIDI playback check skipped: timidity is not installed");

describe.skipIf(!haveTimidity)("another tool opens an exported file", () => {
  it("timidity renders the exported song to a WAV file", () => {
    const file = path.join(dir, "song.mid");
    writeFileSync(file, projectToMidi(song()));
    execFileSync("timidity", ["-Ow", "-o", path.join(dir, "song.wav"), file], { stdio: "pipe" });
    expect(existsSync(path.join(dir, "song.wav"))).toBe(true);
  });
});
