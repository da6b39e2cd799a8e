import { describe, expect, it } from "vitest";
import { consoleEdit } from "./console-settings.ts";
import { applyOperation, Operation } from "./operations.ts";
import { emptyProject, type Project, Track } from "./project.ts";

function mixdown(): Project {
  const project = emptyProject({ title: "Mixdown" });
  project.tracks.push(
    Track.parse({ id: "bass", name: "Bass", kind: "audio" }),
    Track.parse({ id: "vox", name: "Lead Vox", kind: "audio" }),
    Track.parse({ id: "verb", name: "Plate", kind: "bus" }),
  );
  return project;
}

/** Applies the edit as the server would: a valid operation, and its inverse restores. */
function applied(project: Project, target: string, value?: string, fields = {}) {
  const edit = consoleEdit(project, { target, value, fields });
  expect(edit.operation).not.toBeNull();
  expect(Operation.safeParse(edit.operation).success).toBe(true);
  const { project: after, inverse } = applyOperation(project, edit.operation!);
  expect(applyOperation(after, inverse).project).toEqual(project);
  return { edit, after };
}

describe("console settings", () => {
  it("turns a fader move into one param.set", () => {
    const { edit, after } = applied(mixdown(), "Bass.fader", "-3");
    expect(edit.operation).toEqual({
      type: "param.set",
      trackId: "bass",
      path: "faderDb",
      value: -3,
    });
    expect(edit.changes).toEqual([{ setting: "Bass fader", before: "0.0 dB", after: "-3.0 dB" }]);
    expect(after.tracks[0].strip.faderDb).toBe(-3);
  });

  it("names tracks by name or id in any case, spaces included", () => {
    expect(applied(mixdown(), "lead vox.pan", "L30").after.tracks[1].strip.pan).toBeCloseTo(
      -0.3,
      12,
    );
    expect(applied(mixdown(), "VOX.mute", "on").after.tracks[1].strip.mute).toBe(true);
    expect(applied(mixdown(), "master.fader", "-1").after.master.strip.faderDb).toBe(-1);
  });

  it("makes an EQ band of several fields one batch, and turns the band on", () => {
    const { edit, after } = applied(mixdown(), "Bass.eq.2", undefined, {
      freq: "250",
      gain: "-3",
      q: "1.4",
    });
    expect(edit.operation?.type).toBe("batch");
    expect(after.tracks[0].strip.eq[1]).toMatchObject({
      frequency: 250,
      gainDb: -3,
      q: 1.4,
      enabled: true,
    });
  });

  it("adds a send to a bus by name, pre-fader when asked", () => {
    const { after } = applied(mixdown(), "Lead Vox.send.plate", "-12", { pre: true });
    expect(after.tracks[1].strip.sends).toEqual([
      { id: "vox-verb", busId: "verb", levelDb: -12, preFader: true, enabled: true },
    ]);
  });

  it("routes a track into a bus and sets the tempo from a bar", () => {
    expect(applied(mixdown(), "Bass.output", "Plate").after.tracks[0].output).toBe("verb");
    const { after, edit } = applied(mixdown(), "tempo", "96", { at: "@5" });
    expect(after.tempo.changes).toEqual([
      { tick: 0, bpm: 120 },
      { tick: 4 * 4 * 960, bpm: 96 },
    ]);
    expect(edit.changes[0]).toEqual({
      setting: "tempo at bar 5",
      before: "120 BPM",
      after: "96 BPM",
    });
  });

  it("changes nothing when the value already is what was asked", () => {
    expect(consoleEdit(mixdown(), { target: "Bass.fader", value: "0" })).toEqual({
      operation: null,
      changes: [],
    });
  });

  it("refuses an unknown track, naming the tracks", () => {
    expect(() => consoleEdit(mixdown(), { target: "Drums.fader", value: "0" })).toThrow(
      'there is no track "Drums"; the tracks are Bass, Lead Vox, Plate (bus), and master',
    );
  });

  it("refuses an unknown setting, naming the settings in the studio's words", () => {
    expect(() => consoleEdit(mixdown(), { target: "Bass.volumes", value: "0" })).toThrow(
      /Bass has no setting "volumes"; a track has fader, pan, pan-law, trim, polarity, mute/,
    );
    expect(() => consoleEdit(mixdown(), { target: "master.send.plate", value: "0" })).toThrow(
      /the master strip has fader, .* comp$/,
    );
  });

  it("refuses a value outside what the strip takes, naming the range", () => {
    expect(() => consoleEdit(mixdown(), { target: "Bass.fader", value: "20" })).toThrow(
      "Bass fader 20 is out of range: it goes from -144 to 12",
    );
    expect(() =>
      consoleEdit(mixdown(), { target: "Bass.fader", value: "-3", fields: { freq: "1" } }),
    ).toThrow("Bass.fader takes a value and no --freq");
  });
});

describe("strips made from defaults", () => {
  it("share nothing, so an edit of one track's EQ band leaves the master's alone", () => {
    const { after } = applied(mixdown(), "Bass.eq.2", undefined, { gain: "-3" });
    expect(after.tracks[0].strip.eq[1].gainDb).toBe(-3);
    expect(after.tracks[1].strip.eq[1].gainDb).toBe(0);
    expect(after.master.strip.eq[1].gainDb).toBe(0);
  });
});
