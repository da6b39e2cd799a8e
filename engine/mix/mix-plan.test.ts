import { describe, expect, it } from "vitest";
import { NoteClip, Project, SCHEMA_VERSION } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import { noteClipEvents, planMix } from "./mix-plan.ts";

const RATE = 48_000;
/** 120 BPM: 960 ticks are 0.5 s, 24 000 frames; a tick is 25 frames. */
const toFrame = (tick: number) =>
  new TempoMap(Project.parse({ schemaVersion: SCHEMA_VERSION }).tempo).ticksToFrames(tick, RATE);

const clip = (input: Partial<NoteClip> & { startTick: number; lengthTicks: number }) =>
  NoteClip.parse({ id: "c", ...input });

describe("note clips on the render's frames", () => {
  it("places notes, controllers, bends and programs at the frame of their tick from the clip", () => {
    const events = noteClipEvents(
      [
        clip({
          startTick: 960,
          lengthTicks: 1920,
          notes: [{ pitch: 60, velocity: 100, startTick: 10, lengthTicks: 480 }],
          controllers: [{ tick: 0, controller: 7, value: 100 }],
          pitchBends: [{ tick: 20, value: -8192 }],
          programChanges: [{ tick: 0, program: 40, bank: 129 }],
        }),
      ],
      toFrame,
    );
    expect(events).toEqual([
      { frame: 24_000, type: "program", program: 40, bank: 129 },
      { frame: 24_000, type: "controller", controller: 7, value: 100 },
      { frame: 24_250, type: "noteOn", pitch: 60, velocity: 100 },
      { frame: 24_500, type: "pitchBend", value: -8192 },
      { frame: 36_250, type: "noteOff", pitch: 60 },
    ]);
  });

  it("cuts notes at the clip's end, drops what starts after it and plays nothing of a muted clip", () => {
    const events = noteClipEvents(
      [
        clip({
          startTick: 0,
          lengthTicks: 960,
          notes: [
            { pitch: 60, velocity: 100, startTick: 480, lengthTicks: 4000 },
            { pitch: 62, velocity: 100, startTick: 960, lengthTicks: 10 },
          ],
          controllers: [{ tick: 960, controller: 1, value: 1 }],
        }),
        clip({
          startTick: 0,
          lengthTicks: 960,
          mute: true,
          notes: [{ pitch: 64, velocity: 100, startTick: 0, lengthTicks: 10 }],
        }),
      ],
      toFrame,
    );
    expect(events).toEqual([
      { frame: 12_000, type: "noteOn", pitch: 60, velocity: 100 },
      { frame: 24_000, type: "noteOff", pitch: 60 },
    ]);
  });

  it("keeps a note-off for every note of a pitch, even where they overlap", () => {
    const events = noteClipEvents(
      [
        clip({
          startTick: 0,
          lengthTicks: 4000,
          notes: [
            { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 960 },
            { pitch: 60, velocity: 90, startTick: 480, lengthTicks: 960 },
            { pitch: 60, velocity: 80, startTick: 960, lengthTicks: 100 },
          ],
        }),
      ],
      toFrame,
    );
    expect(events.map((e) => [e.frame, e.type])).toEqual([
      [0, "noteOn"],
      [12_000, "noteOn"],
      // A note-off comes before a note-on on the same frame, so the key retriggers.
      [24_000, "noteOff"],
      [24_000, "noteOn"],
      [26_500, "noteOff"],
      [36_000, "noteOff"],
    ]);
  });

  it("makes the mix as long as its last note clip and lists the soundfonts with notes to play", () => {
    const project = Project.parse({
      schemaVersion: SCHEMA_VERSION,
      tracks: [
        {
          id: "t",
          name: "Keys",
          kind: "instrument",
          noteClips: [{ id: "c", startTick: 960, lengthTicks: 3840 }],
        },
        {
          id: "u",
          name: "Strings",
          kind: "instrument",
          instrument: { soundfont: "soundfonts/strings.sf2" },
          noteClips: [
            {
              id: "d",
              startTick: 0,
              lengthTicks: 960,
              notes: [{ pitch: 60, velocity: 1, startTick: 0, lengthTicks: 1 }],
            },
          ],
        },
        {
          id: "v",
          name: "Empty",
          kind: "instrument",
          instrument: { soundfont: "soundfonts/unused.sf2" },
        },
      ],
    });
    const plan = planMix(project, RATE);
    expect(plan.endFrame).toBe(5 * 24_000);
    expect(plan.soundFonts).toEqual(["soundfonts/strings.sf2"]);
    expect(plan.tracks[0].instrument?.settings).toEqual({ bank: 0, program: 0, drums: false });
  });
});
