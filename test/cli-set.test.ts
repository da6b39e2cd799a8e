import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { measureLevels } from "../analysis/levels.ts";
import { generateDemoSong } from "../examples/demo-song/generate.ts";
import { WavFileReader } from "../formats/node/wav-file.ts";
import { controlroom } from "./support/cli.ts";
import { tempDir } from "./support/projects.ts";

let work: string;
let song: string;

beforeAll(async () => {
  work = await tempDir("controlroom-set-");
  song = path.join(work, "demo");
  await generateDemoSong(song);
});

/** The bass stem's pooled RMS and peak over the first eight bars, rendered as 32-bit float. */
function bassStem(name: string): { rmsDb: number; peakDb: number } {
  const stems = path.join(work, name);
  const result = controlroom(
    "render",
    song,
    "-o",
    path.join(work, `${name}.wav`),
    "--bit-depth",
    "32f",
    "--stems",
    stems,
    "--end",
    "@9",
    "--json",
  );
  expect(result.status, result.stderr).toBe(0);
  const file = JSON.parse(result.stdout).stems.find((s: string) => / Bass\.wav$/.test(s));
  const reader = WavFileReader.open(file);
  const frames = reader.info.frames;
  const channels = Array.from({ length: reader.info.channels }, () => new Float32Array(frames));
  reader.readFrames(0, frames, channels);
  reader.close();
  const levels = measureLevels(channels, frames);
  return { rmsDb: levels.overallRmsDb, peakDb: levels.overallPeakDb };
}

async function revisions(): Promise<string[]> {
  return readdir(path.join(song, "revisions"));
}

describe("controlroom set", () => {
  it("setting the bass fader to -6 dB lowers the bass stem by 6.00 dB", async () => {
    expect(controlroom("set", song, "Bass.fader", "0").status).toBe(0);
    const before = bassStem("stems-0db");
    const saved = (await revisions()).length;
    const result = controlroom("set", song, "bass.fader", "-6");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("Bass fader  0.0 dB → -6.0 dB");
    expect(await revisions()).toHaveLength(saved + 1);
    const after = bassStem("stems-6db");
    console.log(
      `bass stem: RMS ${before.rmsDb.toFixed(4)} → ${after.rmsDb.toFixed(4)} dBFS, peak ${before.peakDb.toFixed(4)} → ${after.peakDb.toFixed(4)} dBFS`,
    );
    expect(after.rmsDb - before.rmsDb).toBeCloseTo(-6, 2);
    expect(Math.abs(after.rmsDb - before.rmsDb + 6)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(after.peakDb - before.peakDb + 6)).toBeLessThanOrEqual(0.01);
  });

  it("sets an EQ band's frequency, gain and Q as one edit and prints each change", async () => {
    const result = controlroom(
      "set",
      song,
      "Bass.eq.2",
      "--freq",
      "250",
      "--gain",
      "-3",
      "--q",
      "1.4",
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Bass EQ 2 frequency +120 Hz → 250 Hz/);
    expect(result.stdout).toMatch(/Bass EQ 2 gain +\+2\.0 dB → -3\.0 dB/);
    expect(result.stdout).toMatch(/Bass EQ 2 Q +0\.80 → 1\.40/);
    const project = JSON.parse(await readFile(path.join(song, "project.json"), "utf8"));
    const bass = project.tracks.find((t: { id: string }) => t.id === "bass");
    expect(bass.strip.eq[1]).toMatchObject({ frequency: 250, gainDb: -3, q: 1.4, enabled: true });
  });

  it("mutes a track, routes it and sets the tempo", async () => {
    expect(controlroom("set", song, "Bass.mute", "on").stdout).toContain("Bass mute  off → on");
    expect(controlroom("set", song, "Bass.output", "drum bus").stdout).toContain(
      "Bass output  master → Drum Bus",
    );
    expect(controlroom("set", song, "tempo", "96").stdout).toContain(
      "tempo at bar 1  120 BPM → 96 BPM",
    );
    const project = JSON.parse(await readFile(path.join(song, "project.json"), "utf8"));
    expect(project.tempo.changes).toEqual([{ tick: 0, bpm: 96 }]);
  });

  it("names the tracks when a track is unknown, and the settings when a setting is", () => {
    const track = controlroom("set", song, "Bas.fader", "-3");
    expect(track.status).toBe(2);
    expect(track.stderr).toMatch(
      /^E_SETTING_TRACK: there is no track "Bas"; the tracks are Kick, Snare, Hats, Bass, Pad, Keys, Drum Bus \(bus\), Parallel Crush \(bus\), and master/,
    );
    const setting = controlroom("set", song, "Bass.volum", "-3");
    expect(setting.status).toBe(2);
    expect(setting.stderr).toMatch(
      /Bass has no setting "volum"; a track has fader, pan, pan-law, trim, .*eq\.1 … eq\.4, comp, send\.<bus>, output/,
    );
  });
});
