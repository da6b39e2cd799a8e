import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PPQ, TempoMap } from "../../music/tempo-map.ts";
import { DRUM_CHANNEL, midiToProject } from "./midi-import.ts";
import { readWithSecondParser } from "./second-parser.support.ts";

/**
 * Every file under ../shared/testdata/midi (Bernd Krueger's piano-midi.de files, CC BY-SA;
 * a MuseScore export, CC0; the rest from the same folder) is imported and checked against
 * what a second, independent reader (midi-player-js) finds in the same bytes.
 */
const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const midiDir = path.join(repoRoot, "..", "shared", "testdata", "midi");
const haveMidi = existsSync(midiDir);
if (!haveMidi) {
  console.log(`MIDI files skipped: ${midiDir} is absent (it comes with ../shared/testdata)`);
}
const files = haveMidi
  ? readdirSync(midiDir, { recursive: true, encoding: "utf8" })
      .filter((f) => /\.midi?$/i.test(f))
      .sort()
  : [];

describe.skipIf(!haveMidi)("importing the MIDI files of ../shared/testdata", () => {
  it("finds MIDI files in the folder and its subfolders", () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(files.some((f) => f.includes(path.sep))).toBe(true);
  });

  for (const file of files) {
    describe(file, () => {
      const bytes = new Uint8Array(readFileSync(path.join(midiDir, file)));
      const project = midiToProject(bytes, file);
      const second = readWithSecondParser(bytes);
      const scale = PPQ / second.division;

      it("makes one instrument track per MIDI track and channel that plays notes", () => {
        expect(project.tracks.map((t) => t.kind)).toEqual(second.parts.map(() => "instrument"));
        expect(project.tracks.map((t) => t.instrument?.drums)).toEqual(
          second.parts.map((p) => p.channel === DRUM_CHANNEL),
        );
      });

      it("keeps every note's pitch and puts its onset within 1 tick at 960 PPQ", () => {
        second.parts.forEach((part, i) => {
          const clip = project.tracks[i].noteClips[0];
          const ours = clip.notes
            .map((n) => [n.pitch, clip.startTick + n.startTick])
            .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          const theirs = part.onsets
            .map(([pitch, tick]) => [pitch, tick * scale])
            .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          expect(ours.length).toBe(theirs.length);
          ours.forEach(([pitch, tick], n) => {
            expect(pitch).toBe(theirs[n][0]);
            expect(Math.abs(tick - theirs[n][1])).toBeLessThanOrEqual(1);
          });
        });
      });

      it("keeps the controllers, pitch bends and programs of each part", () => {
        second.parts.forEach((part, i) => {
          const track = project.tracks[i];
          const clip = track.noteClips[0];
          expect(clip.controllers.map((c) => [c.controller, c.value])).toEqual(
            part.controllers
              .map((c, order) => ({ ...c, order }))
              .sort((a, b) => a.tick - b.tick || a.order - b.order)
              .map((c) => [c.number, c.value]),
          );
          expect(clip.pitchBends.length).toBe(part.pitchBends);
          if (part.programs.length > 0) {
            expect(track.instrument?.program).toBe(part.programs[0]);
            expect(clip.programChanges.map((p) => p.program)).toEqual(part.programs.slice(1));
          }
        });
      });

      it("reads the tempo map the file holds", () => {
        const map = new TempoMap(project.tempo);
        // At one tick the last tempo wins; midi-player-js rounds tempos to whole BPM, and the
        // document holds 1–999 BPM (claire_de_lune.mid slows to 8 BPM in its last bars).
        const tempos = new Map(
          [...second.tempos].sort((a, b) => a.tick - b.tick).map((t) => [t.tick, t.bpm]),
        );
        for (const [tick, bpm] of tempos) {
          const expected = Math.min(999, Math.max(1, bpm));
          expect(Math.abs(map.bpmAt(Math.round(tick * scale)) - expected)).toBeLessThan(0.5 + 1e-9);
        }
        if (second.tempos.length === 0)
          expect(project.tempo.changes).toEqual([{ tick: 0, bpm: 120 }]);
        for (const signature of second.timeSignatures) {
          const ours = map.signatureAt(Math.round(signature.tick * scale));
          expect([ours.numerator, ours.denominator]).toEqual([
            signature.numerator,
            signature.denominator,
          ]);
        }
      });

      it("turns markers into sections", () => {
        const markers = new Map(second.markers.map((m) => [Math.round(m.tick * scale), m.text]));
        expect(project.sections.map((s) => s.startTick)).toEqual(
          [...markers.keys()].sort((a, b) => a - b),
        );
      });
    });
  }
});

describe.skipIf(!haveMidi)("reading a real file closely", () => {
  it("reads the pitch bends of pitchBendTest.mid in order and in range", () => {
    const project = midiToProject(
      new Uint8Array(readFileSync(path.join(midiDir, "pitchBendTest.mid"))),
      "pitchBendTest.mid",
    );
    const bends = project.tracks[0].noteClips[0].pitchBends;
    expect(bends.length).toBeGreaterThan(10);
    expect(bends.some((b) => b.value > 0)).toBe(true);
    expect(bends.some((b) => b.value < 0)).toBe(true);
    for (let i = 1; i < bends.length; i++) {
      expect(bends[i].tick).toBeGreaterThanOrEqual(bends[i - 1].tick);
    }
  });

  it("names the tracks of a format 1 file and takes the song title from its conductor track", () => {
    const project = midiToProject(
      new Uint8Array(readFileSync(path.join(midiDir, "bach", "bach_846.mid"))),
      "bach_846.mid",
    );
    expect(project.song.title).toContain("BWV 846");
    expect(project.tracks.map((t) => t.name)).toContain("Piano right");
  });

  it("puts the drums of beat.mid on a drum kit", () => {
    const project = midiToProject(
      new Uint8Array(readFileSync(path.join(midiDir, "beat.mid"))),
      "beat.mid",
    );
    expect(project.tracks.every((t) => t.instrument?.drums)).toBe(true);
  });
});
