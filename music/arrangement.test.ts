import { describe, expect, it } from "vitest";
import { arrangementMatrix } from "./arrangement.ts";
import { History } from "./history.ts";
import { type Project, type ProjectInput, SCHEMA_VERSION } from "./project.ts";
import { PPQ } from "./tempo-map.ts";
import { parseProject } from "./validate.ts";

const BAR = 4 * PPQ;

/** Intro, two verses and a chorus of 4 bars; verse 2 is slower, and every kind of timed thing sits in it. */
function song(): Project {
  const input: ProjectInput = {
    schemaVersion: SCHEMA_VERSION,
    song: { title: "Arrangement", sampleRate: 48_000 },
    tempo: {
      changes: [
        { tick: 0, bpm: 120 },
        { tick: 8 * BAR, bpm: 100 },
        { tick: 12 * BAR, bpm: 120 },
      ],
      timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    },
    sections: [
      { id: "intro", name: "Intro", startTick: 0, lengthTicks: 4 * BAR },
      { id: "v1", name: "Verse 1", startTick: 4 * BAR, lengthTicks: 4 * BAR },
      { id: "v2", name: "Verse 2", startTick: 8 * BAR, lengthTicks: 4 * BAR, colour: "#3366cc" },
      { id: "ch", name: "Chorus", startTick: 12 * BAR, lengthTicks: 4 * BAR },
    ],
    chords: [
      { tick: 0, symbol: "C" },
      { tick: 8 * BAR, symbol: "Am" },
      { tick: 12 * BAR, symbol: "F" },
    ],
    sources: [
      { id: "take", file: "audio/take.wav", sampleRate: 48_000, channels: 2, frames: 48_000 },
    ],
    tracks: [
      {
        id: "gtr",
        name: "Guitar",
        kind: "audio",
        clips: [
          { id: "g1", sourceId: "take", startTick: 4 * BAR, lengthFrames: 48_000 },
          { id: "g2", sourceId: "take", startTick: 8 * BAR + PPQ, lengthFrames: 48_000 },
        ],
        automation: [
          {
            parameter: "faderDb",
            points: [
              { tick: 0, value: 0 },
              { tick: 10 * BAR, value: -6 },
              { tick: 14 * BAR, value: -3 },
            ],
          },
        ],
      },
      {
        id: "bass",
        name: "Bass",
        kind: "instrument",
        instrument: { program: 33 },
        noteClips: [
          {
            id: "b2",
            startTick: 8 * BAR,
            lengthTicks: 4 * BAR,
            notes: [
              { pitch: 40, velocity: 100, startTick: 0, lengthTicks: PPQ },
              { pitch: 43, velocity: 90, startTick: 2 * BAR, lengthTicks: PPQ },
            ],
          },
          {
            id: "b3",
            startTick: 12 * BAR,
            lengthTicks: 4 * BAR,
            notes: [{ pitch: 41, velocity: 100, startTick: 0, lengthTicks: PPQ }],
          },
        ],
        lyrics: [
          { tick: 8 * BAR, text: "hel-" },
          { tick: 8 * BAR + PPQ, text: "lo" },
        ],
      },
    ],
  };
  return parseProject(input);
}

describe("moving a section", () => {
  it("moves the second verse after the chorus with its notes, clips, automation and tempo; undo restores it exactly", () => {
    const before = song();
    const history = new History(before);
    const after = history.apply({ type: "section.move", sectionId: "v2", toTick: 16 * BAR });

    expect(after.sections.map((s) => [s.id, s.startTick / BAR])).toEqual([
      ["intro", 0],
      ["v1", 4],
      ["ch", 8],
      ["v2", 12],
    ]);
    expect(after.sections.find((s) => s.id === "v2")?.colour).toBe("#3366cc");
    const gtr = after.tracks[0];
    expect(gtr.clips.map((c) => [c.id, c.startTick])).toEqual([
      ["g1", 4 * BAR],
      ["g2", 12 * BAR + PPQ],
    ]);
    const bass = after.tracks[1];
    const b2 = bass.noteClips.find((c) => c.id === "b2");
    expect(b2?.startTick).toBe(12 * BAR);
    expect(bass.noteClips.find((c) => c.id === "b3")?.startTick).toBe(8 * BAR);
    expect(b2?.notes).toEqual(before.tracks[1].noteClips[0].notes);
    expect(bass.lyrics.map((l) => l.tick)).toEqual([12 * BAR, 12 * BAR + PPQ]);
    // The verse keeps its slower tempo in its new place; the chorus keeps its own.
    expect(after.tempo.changes).toEqual([
      { tick: 0, bpm: 120 },
      { tick: 12 * BAR, bpm: 100 },
      { tick: 16 * BAR, bpm: 120 },
    ]);
    expect(after.chords).toEqual([
      { tick: 0, symbol: "C" },
      { tick: 8 * BAR, symbol: "F" },
      { tick: 12 * BAR, symbol: "Am" },
      { tick: 16 * BAR, symbol: "F" },
    ]);
    // The point at bar 10 of the verse is at bar 14 now, with its value; each moved piece
    // starts with the value the fader had where it came from.
    const fader = gtr.automation[0].points;
    expect(fader).toContainEqual({ tick: 14 * BAR, value: -6, curve: "linear" });
    // Verse 2 came from bar 8, where the fader was 8/10 of the way from 0 to −6 dB.
    expect(fader.find((p) => p.tick === 12 * BAR)?.value).toBeCloseTo(-4.8, 12);
    // The chorus came from bar 12, halfway from −6 dB (bar 10) to −3 dB (bar 14).
    expect(fader.find((p) => p.tick === 8 * BAR)?.value).toBeCloseTo(-4.5, 12);

    expect(history.undo()).toEqual(before);
    expect(history.redo()).toEqual(after);
  });

  it("moves a section earlier, and refuses a place inside itself", () => {
    const history = new History(song());
    const after = history.apply({ type: "section.move", sectionId: "ch", toTick: 4 * BAR });
    expect(after.sections.map((s) => s.id)).toEqual(["intro", "ch", "v1", "v2"]);
    expect(after.tracks[1].noteClips.find((c) => c.id === "b3")?.startTick).toBe(4 * BAR);
    // Verse 1 now spans bars 8–12.
    expect(() =>
      history.apply({ type: "section.move", sectionId: "v1", toTick: 10 * BAR }),
    ).toThrow(/cannot move to tick 38400, inside itself/);
  });
});

describe("duplicating and deleting a section", () => {
  it("plays a section twice, with fresh ids for the copies", () => {
    const history = new History(song());
    const after = history.apply({ type: "section.duplicate", sectionId: "v2", name: "Verse 3" });
    expect(after.sections.map((s) => [s.name, s.startTick / BAR])).toEqual([
      ["Intro", 0],
      ["Verse 1", 4],
      ["Verse 2", 8],
      ["Verse 3", 12],
      ["Chorus", 16],
    ]);
    const clips = after.tracks[1].noteClips.map((c) => [c.id, c.startTick / BAR]);
    expect(clips).toEqual([
      ["b2", 8],
      ["b2-2", 12],
      ["b3", 16],
    ]);
    expect(after.tempo.changes.map((c) => [c.tick / BAR, c.bpm])).toEqual([
      [0, 120],
      [8, 100],
      [16, 120],
    ]);
    history.undo();
    const deleted = history.apply({ type: "section.delete", sectionId: "v2" });
    expect(deleted.sections.map((s) => s.id)).toEqual(["intro", "v1", "ch"]);
    expect(deleted.tracks[0].clips.map((c) => c.id)).toEqual(["g1"]);
    expect(deleted.tempo.changes).toEqual([{ tick: 0, bpm: 120 }]);
    expect(history.undo()).toEqual(song());
  });
});

describe("the arrangement matrix", () => {
  it("shows which track plays in which section", () => {
    const { sections, tracks, cells } = arrangementMatrix(song());
    expect(sections.map((s) => s.name)).toEqual(["Intro", "Verse 1", "Verse 2", "Chorus"]);
    expect(tracks.map((t) => t.name)).toEqual(["Guitar", "Bass"]);
    // A 1 s guitar take at 120 bpm lasts two beats; at bar 8 + 1 beat it sounds in verse 2.
    expect(cells[0].map((c) => c.playing)).toEqual([false, true, true, false]);
    expect(cells[1].map((c) => c.notes)).toEqual([0, 0, 2, 1]);
  });

  it("brings the bass in at the first verse, copied from the second, and takes it out again", () => {
    const history = new History(song());
    const on = history.apply({
      type: "arrangement.set",
      trackId: "bass",
      sectionId: "v1",
      playing: true,
    });
    const copy = on.tracks[1].noteClips.find((c) => c.startTick === 4 * BAR);
    expect(copy?.notes).toEqual(song().tracks[1].noteClips[0].notes);
    expect(arrangementMatrix(on).cells[1].map((c) => c.playing)).toEqual([false, true, true, true]);
    const off = history.apply({
      type: "arrangement.set",
      trackId: "bass",
      sectionId: "v2",
      playing: false,
    });
    expect(arrangementMatrix(off).cells[1].map((c) => c.playing)).toEqual([
      false,
      true,
      false,
      true,
    ]);
    // The lyrics went with the notes: copied into verse 1, taken out of verse 2.
    expect(off.tracks[1].lyrics.map((l) => l.tick)).toEqual([4 * BAR, 4 * BAR + PPQ]);
    history.undo();
    history.undo();
    expect(history.project).toEqual(song());
    expect(() =>
      history.apply({
        type: "arrangement.set",
        trackId: "gtr",
        sectionId: "intro",
        playing: true,
        fromSectionId: "nope",
      }),
    ).toThrow(/there is no section "nope"/);
  });
});

describe("cutting at section edges", () => {
  const RATE = 48_000;
  const BAR_FRAMES = 2 * RATE; // a 4/4 bar at 120 bpm
  /** Intro, verse and chorus of 4 bars; one take and one note clip play through all three. */
  function throughSong(): Project {
    return parseProject({
      schemaVersion: SCHEMA_VERSION,
      sections: [
        { id: "intro", name: "Intro", startTick: 0, lengthTicks: 4 * BAR },
        { id: "verse", name: "Verse", startTick: 4 * BAR, lengthTicks: 4 * BAR },
        { id: "chorus", name: "Chorus", startTick: 8 * BAR, lengthTicks: 4 * BAR },
      ],
      sources: [
        {
          id: "take",
          file: "audio/take.wav",
          sampleRate: RATE,
          channels: 2,
          frames: 12 * BAR_FRAMES,
        },
      ],
      tracks: [
        {
          id: "gtr",
          name: "Guitar",
          kind: "audio",
          clips: [
            {
              id: "g",
              sourceId: "take",
              startTick: 0,
              lengthFrames: 12 * BAR_FRAMES,
              fadeIn: { frames: 480, shape: "linear" },
              fadeOut: { frames: 4800, shape: "exponential" },
            },
          ],
        },
        {
          id: "keys",
          name: "Keys",
          kind: "instrument",
          noteClips: [
            {
              id: "k",
              startTick: 0,
              lengthTicks: 12 * BAR,
              notes: [
                { pitch: 60, velocity: 90, startTick: 3 * BAR, lengthTicks: 2 * BAR },
                { pitch: 64, velocity: 80, startTick: 7 * BAR, lengthTicks: 2 * BAR },
              ],
              controllers: [
                { tick: 0, controller: 7, value: 100 },
                { tick: 6 * BAR, controller: 7, value: 90 },
              ],
              pitchBends: [{ tick: 2 * BAR, value: 512 }],
            },
          ],
        },
      ],
    });
  }
  const seam = { frames: 192, shape: "equalPower" }; // 4 ms at 48 kHz

  it("cuts a take at the verse's edges to play the verse twice, fades only the seam (4 ms), and keeps the take whole where the music runs on", () => {
    const history = new History(throughSong());
    const after = history.apply({ type: "section.duplicate", sectionId: "verse" });
    expect(after.tracks[0].clips).toEqual([
      {
        ...throughSong().tracks[0].clips[0],
        lengthFrames: 8 * BAR_FRAMES,
        fadeOut: seam,
      },
      {
        ...throughSong().tracks[0].clips[0],
        id: "g-2",
        startTick: 8 * BAR,
        offsetFrames: 4 * BAR_FRAMES,
        lengthFrames: 8 * BAR_FRAMES,
        fadeIn: seam,
      },
    ]);
    expect(arrangementMatrix(after).cells[0].every((c) => c.playing)).toBe(true);
    expect(history.undo()).toEqual(throughSong());
  });

  it("cuts held notes at the edges of a deleted verse, and restates the controllers and bend in effect", () => {
    const history = new History(throughSong());
    const after = history.apply({ type: "section.delete", sectionId: "verse" });
    const [intro, chorus] = after.tracks[1].noteClips;
    expect(intro).toMatchObject({ id: "k", startTick: 0, lengthTicks: 4 * BAR });
    expect(intro.notes).toEqual([
      { pitch: 60, velocity: 90, startTick: 3 * BAR, lengthTicks: BAR },
    ]);
    expect(chorus).toMatchObject({ id: "k-2", startTick: 4 * BAR, lengthTicks: 4 * BAR });
    // The note held from bar 7 into the chorus sounds from the chorus's first beat.
    expect(chorus.notes).toEqual([{ pitch: 64, velocity: 80, startTick: 0, lengthTicks: BAR }]);
    expect(chorus.controllers).toEqual([{ tick: 0, controller: 7, value: 90 }]);
    expect(chorus.pitchBends).toEqual([{ tick: 0, value: 512 }]);
    const take = after.tracks[0].clips;
    expect(take.map((c) => [c.startTick / BAR, c.offsetFrames / BAR_FRAMES])).toEqual([
      [0, 0],
      [4, 8],
    ]);
    expect(take.map((c) => [c.fadeIn, c.fadeOut])).toEqual([
      [{ frames: 480, shape: "linear" }, seam],
      [seam, { frames: 4800, shape: "exponential" }],
    ]);
    expect(history.undo()).toEqual(throughSong());
  });

  it("silences a track in one section by cutting what plays through it, and copies it back in pieces", () => {
    const history = new History(throughSong());
    const off = history.apply({
      type: "arrangement.set",
      trackId: "gtr",
      sectionId: "verse",
      playing: false,
    });
    expect(arrangementMatrix(off).cells[0].map((c) => c.playing)).toEqual([true, false, true]);
    expect(
      off.tracks[0].clips.map((c) => [c.id, c.startTick / BAR, c.lengthFrames / BAR_FRAMES]),
    ).toEqual([
      ["g", 0, 4],
      ["g-2", 8, 4],
    ]);
    const on = history.apply({
      type: "arrangement.set",
      trackId: "gtr",
      sectionId: "verse",
      playing: true,
      fromSectionId: "chorus",
    });
    const copy = on.tracks[0].clips[2];
    expect(copy).toMatchObject({ startTick: 4 * BAR, offsetFrames: 8 * BAR_FRAMES });
    expect(copy.lengthFrames).toBe(4 * BAR_FRAMES);
    history.undo();
    history.undo();
    expect(history.project).toEqual(throughSong());
  });
});
