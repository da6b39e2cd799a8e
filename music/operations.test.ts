import { describe, expect, it } from "vitest";
import { History } from "./history.ts";
import { applyOperation, Operation } from "./operations.ts";
import { emptyProject, type Project, SCHEMA_VERSION, Track } from "./project.ts";
import { PPQ } from "./tempo-map.ts";
import { parseProject } from "./validate.ts";

function fixture(): Project {
  let p = emptyProject({ title: "Ops" });
  const ops: Operation[] = [
    {
      type: "source.add",
      source: {
        id: "s1",
        file: "audio/drums.wav",
        sampleRate: 48_000,
        channels: 2,
        frames: 480_000,
      },
    },
    { type: "track.add", track: Track.parse({ id: "bus", name: "Verb", kind: "bus" }) },
    { type: "track.add", track: Track.parse({ id: "t1", name: "Drums", kind: "audio" }) },
    {
      type: "clip.add",
      trackId: "t1",
      clip: { id: "c1", sourceId: "s1", startTick: 0, lengthFrames: 240_000 } as never,
    },
  ];
  for (const op of ops) p = applyOperation(p, op).project;
  return p;
}

const every: Operation[] = [
  { type: "clip.move", clipId: "c1", toTick: 4 * PPQ },
  { type: "clip.move", clipId: "c1", toTick: 0, toTrackId: "t2" },
  { type: "clip.trim", clipId: "c1", startTick: PPQ, offsetFrames: 24_000, lengthFrames: 100_000 },
  { type: "clip.split", clipId: "c1", atTick: 2 * PPQ, newClipId: "c2" },
  {
    type: "clip.set",
    clipId: "c1",
    changes: { gainDb: -6, fadeIn: { frames: 480, shape: "equalPower" } },
  },
  { type: "clip.remove", clipId: "c1" },
  { type: "param.set", trackId: "t1", path: "eq.1.gainDb", value: 4.5 },
  { type: "param.set", trackId: "master", path: "faderDb", value: -3 },
  { type: "track.add", track: Track.parse({ id: "t2", name: "Bass", kind: "audio" }), index: 0 },
  { type: "track.remove", trackId: "t1" },
  { type: "track.reorder", trackId: "t1", toIndex: 0 },
  { type: "track.route", trackId: "t1", output: "bus" },
  {
    type: "automation.addPoint",
    trackId: "t1",
    parameter: "faderDb",
    point: { tick: 0, value: -6, curve: "linear" },
  },
  {
    type: "batch",
    ops: [
      {
        type: "automation.addPoint",
        trackId: "t1",
        parameter: "pan",
        point: { tick: 0, value: -1, curve: "linear" },
      },
      {
        type: "automation.addPoint",
        trackId: "t1",
        parameter: "pan",
        point: { tick: PPQ, value: 1, curve: "hold" },
      },
      {
        type: "automation.movePoint",
        trackId: "t1",
        parameter: "pan",
        index: 1,
        tick: 2 * PPQ,
        value: 0.5,
      },
    ],
  },
  {
    type: "section.add",
    section: { id: "v1", name: "Verse", startTick: 0, lengthTicks: 16 * PPQ, colour: "#4a90d9" },
  },
  { type: "song.set", changes: { title: "Renamed", sampleRate: 44_100 } },
  {
    type: "tempo.set",
    tempo: {
      changes: [{ tick: 0, bpm: 90 }],
      timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }],
    },
  },
];

describe("operations", () => {
  it.each(every.map((op) => [op.type, op] as const))(
    "%s is undone exactly by its inverse",
    (_, op) => {
      let base = fixture();
      if (op.type === "clip.move" && op.toTrackId === "t2") {
        base = applyOperation(base, {
          type: "track.add",
          track: Track.parse({ id: "t2", name: "Bass", kind: "audio" }),
        }).project;
      }
      const { project, inverse } = applyOperation(base, op);
      expect(project).not.toEqual(base);
      expect(applyOperation(project, inverse).project).toEqual(base);
    },
  );

  it("splits a clip into two that play the same source frames", () => {
    const { project } = applyOperation(fixture(), {
      type: "clip.split",
      clipId: "c1",
      atTick: PPQ,
      newClipId: "c2",
    });
    const [left, right] = project.tracks[1].clips;
    expect(left.lengthFrames).toBe(24_000); // one beat at 120 BPM
    expect(right).toMatchObject({ startTick: PPQ, offsetFrames: 24_000, lengthFrames: 216_000 });
  });

  it("refuses a split outside the clip and leaves the document unchanged", () => {
    const base = fixture();
    const before = structuredClone(base);
    expect(() =>
      applyOperation(base, {
        type: "clip.split",
        clipId: "c1",
        atTick: 100 * PPQ,
        newClipId: "c2",
      }),
    ).toThrow(/not inside clip "c1"/);
    expect(base).toEqual(before);
  });

  it("rolls back a whole batch when one of its operations fails", () => {
    const history = new History(fixture());
    const before = history.project;
    expect(() =>
      history.apply({
        type: "batch",
        ops: [
          { type: "param.set", trackId: "t1", path: "faderDb", value: -10 },
          { type: "param.set", trackId: "t1", path: "faderDb", value: 99 },
        ],
      }),
    ).toThrow(/faderDb/);
    expect(history.project).toBe(before);
  });

  it("refuses a trim that plays past the end of the source", () => {
    expect(() =>
      applyOperation(fixture(), {
        type: "clip.trim",
        clipId: "c1",
        startTick: 0,
        offsetFrames: 400_000,
        lengthFrames: 100_000,
      }),
    ).toThrow(/plays to frame 500000 of audio\/drums.wav, which has 480000 frames/);
  });

  it("refuses routing that loops", () => {
    let p = fixture();
    p = applyOperation(p, {
      type: "track.add",
      track: Track.parse({ id: "bus2", name: "B2", kind: "bus", output: "bus" }),
    }).project;
    expect(() =>
      applyOperation(p, { type: "track.route", trackId: "bus", output: "bus2" }),
    ).toThrow(/loops/);
  });

  it("undoes and redoes through the history", () => {
    const history = new History(fixture());
    const start = history.project;
    history.apply({ type: "param.set", trackId: "t1", path: "pan", value: 0.25 });
    history.apply({ type: "clip.move", clipId: "c1", toTick: 8 * PPQ });
    const end = history.project;
    history.undo();
    history.undo();
    expect(history.project).toEqual(start);
    expect(history.canUndo).toBe(false);
    history.redo();
    history.redo();
    expect(history.project).toEqual(end);
  });
});

describe("edits parsed from JSON", () => {
  it("change exactly the fields they name, leaving defaulted fields beside them alone", () => {
    const project = parseProject({
      schemaVersion: SCHEMA_VERSION,
      song: { title: "Old", artist: "Band", sampleRate: 44_100 },
      tracks: [
        {
          id: "keys",
          name: "Keys",
          kind: "instrument",
          noteClips: [
            {
              id: "n",
              startTick: 0,
              lengthTicks: PPQ,
              notes: [{ pitch: 60, velocity: 90, startTick: 0, lengthTicks: 10 }],
            },
          ],
        },
      ],
    });
    const fromJson = (op: unknown) => Operation.parse(JSON.parse(JSON.stringify(op)));
    const renamed = applyOperation(
      project,
      fromJson({ type: "song.set", changes: { title: "New" } }),
    );
    expect(renamed.project.song).toMatchObject({
      title: "New",
      artist: "Band",
      sampleRate: 44_100,
    });
    const muted = applyOperation(
      project,
      fromJson({ type: "noteClip.set", clipId: "n", changes: { mute: true } }),
    );
    expect(muted.project.tracks[0].noteClips[0]).toMatchObject({
      mute: true,
      notes: project.tracks[0].noteClips[0].notes,
    });
    expect(fromJson({ type: "clip.set", clipId: "c", changes: { mute: true } })).toEqual({
      type: "clip.set",
      clipId: "c",
      changes: { mute: true },
    });
    expect(() => fromJson({ type: "song.set", changes: { tempo: 3 } })).toThrow();
  });
});

describe("param.set", () => {
  const parse = (op: object) => Operation.safeParse({ type: "param.set", trackId: "t1", ...op });

  it("takes every setting the channel strip defines, with a value it accepts", () => {
    for (const [path, value] of [
      ["faderDb", -6],
      ["eq.3.q", 2],
      ["compressor.sidechainTrackId", null],
      ["highPass", { enabled: true, frequency: 100, slope: 24 }],
      ["sends.0.levelDb", -12],
      ["panLaw", "-4.5dB"],
    ] as const) {
      expect(parse({ path, value }).success, path).toBe(true);
    }
  });

  it("refuses a path the strip does not define, inherited names and list indices included", () => {
    for (const path of ["fader", "constructor", "__proto__", "eq.length", "eq.4.gainDb", "pan.x"]) {
      const result = parse({ path, value: 1 });
      expect(result.success, path).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/is not a channel-strip setting/);
    }
  });

  it("refuses a value the setting cannot take, naming the setting", () => {
    const result = parse({ path: "faderDb", value: "loud" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["value"] });
    expect(result.error?.issues[0].message).toMatch(/^faderDb: /);
    expect(parse({ path: "eq.0.type", value: "notch" }).success).toBe(false);
  });
});
