import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderProject } from "../../engine/node/render-project.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { PPQ, TempoMap } from "../../music/tempo-map.ts";
import { WavFileReader } from "../node/wav-file.ts";
import { DawprojectArchive, writeArchive } from "./archive.ts";
import { readDawproject } from "./import.ts";
import { exportDawproject } from "./node/export-file.ts";
import { importDawproject } from "./node/import-file.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const BITWIG = path.resolve(here, "../../../shared/testdata/dawproject-bitwig");
const SPECS = path.resolve(here, "../../../shared/specs/dawproject");
const hasFiles = existsSync(BITWIG);
const hasXmllint = (() => {
  try {
    execFileSync("xmllint", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasFiles) console.warn(`skipping the Bitwig DAWproject tests: ${BITWIG} is absent`);
if (!hasXmllint)
  console.warn("skipping the XSD validation: xmllint (Debian libxml2-utils) is absent");

const FILES = [
  "audio-regions.dawproject",
  "automation.dawproject",
  "eq.dawproject",
  "note-regions.dawproject",
  "virtualcx.dawproject",
];
const work = mkdtempSync(path.join(tmpdir(), "controlroom-dawproject-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let folders = 0;
const folder = () => path.join(work, `p${folders++}`);
const bitwig = (name: string) => path.join(BITWIG, name);
const track = (project: Project, name: string) => project.tracks.find((t) => t.name === name)!;

/** Documents equal within float tolerance: 1e-6 relative on every number. */
function expectSameDocument(a: unknown, b: unknown, at = "project"): void {
  if (typeof a === "number" && typeof b === "number") {
    expect(Math.abs(a - b), at).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a)));
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, `${at}.length`).toBe(a.length);
    a.forEach((x, i) => {
      expectSameDocument(x, b[i], `${at}.${i}`);
    });
    return;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    expect(Object.keys(b).sort(), at).toEqual(Object.keys(a).sort());
    for (const key of Object.keys(a)) {
      expectSameDocument(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
    }
    return;
  }
  expect(b, at).toEqual(a);
}

describe.skipIf(!hasFiles)("DAWproject import of Bitwig's files", () => {
  it.each(FILES)("imports %s into a project folder that loads", async (name) => {
    const { project, report } = await importDawproject(bitwig(name), folder());
    expect(report.application).toMatch(/^Bitwig Studio /);
    expect(project.tempo.changes).toEqual([{ tick: 0, bpm: 110 }]);
    expect(project.tempo.timeSignatures).toEqual([{ tick: 0, numerator: 4, denominator: 4 }]);
  });

  it("reads the chirp as a clip looped every 1.8333 beats for 8 beats", async () => {
    const { project, report } = await importDawproject(
      bitwig("audio-regions.dawproject"),
      folder(),
    );
    const t = track(project, "cw_154_Hash");
    expect(t.kind).toBe("audio");
    // Volume linear 0.316228 is −10 dB.
    expect(t.strip.faderDb).toBeCloseTo(-10, 4);
    // <Clip duration="8" loopEnd="1.8333330154418945">: passes at 0, 1.833, 3.667, 5.5, 7.333 beats.
    expect(t.clips.map((c) => c.startTick)).toEqual([0, 1760, 3520, 5280, 7040]);
    expect(project.sources).toHaveLength(1);
    expect(project.sources[0]).toMatchObject({ sampleRate: 44_100, channels: 1, frames: 44_100 });
    // Warp 1.8333 beats ↔ 1.0 s at 110 bpm is real time: the file plays at speed 1.
    for (const c of t.clips.slice(0, 4))
      expect(c).toMatchObject({ offsetFrames: 0, lengthFrames: 44_100, playbackRate: 1 });
    // The last pass is cut at beat 8: 8 − 7.3333 beats = 0.3636 s.
    expect(t.clips[4].lengthFrames).toBe(
      Math.round((8 - 4 * 1.8333330154418945) * (60 / 110) * 44_100),
    );
    expect(report.counts).toMatchObject({ tracks: 1, audioClips: 5, noteClips: 0 });
  });

  it("reads notes through loops and play starts (note-regions)", async () => {
    const { project, report } = await importDawproject(bitwig("note-regions.dawproject"), folder());
    // Inst 1: 8 notes of a quarter beat each, loop 0–2 beats over 4 beats: 16 notes.
    const one = track(project, "Inst 1").noteClips;
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ startTick: 0, lengthTicks: 4 * PPQ });
    expect(one[0].notes.map((n) => n.pitch)).toEqual([
      60, 63, 67, 69, 72, 68, 65, 62, 60, 63, 67, 69, 72, 68, 65, 62,
    ]);
    expect(one[0].notes.every((n) => n.lengthTicks === 240 && n.velocity === 100)).toBe(true);
    // Inst 2: starts at beat 1, plays content from 1.0 (72 68 65 62), then the loop 0–2 again.
    const two = track(project, "Inst 2").noteClips[0];
    expect(two).toMatchObject({ startTick: PPQ, lengthTicks: 3 * PPQ });
    expect(two.notes.slice(0, 5).map((n) => [n.startTick, n.pitch])).toEqual([
      [0, 72],
      [240, 68],
      [480, 65],
      [720, 62],
      [960, 60],
    ]);
    expect(two.notes).toHaveLength(12);
    // Inst 3: play start 0.5 in a 1-beat loop: 0.5–1, then 0–1, 0–1, 0–0.5.
    const three = track(project, "Inst 3").noteClips[0];
    expect(three.notes.map((n) => `${n.startTick}:${n.pitch}`)).toEqual([
      "0:67",
      "240:69",
      "480:60",
      "480:72",
      "720:63",
      "960:67",
      "1200:69",
      "1440:60",
      "1440:72",
      "1680:63",
      "1920:67",
      "2160:69",
      "2400:60",
      "2400:72",
      "2640:63",
    ]);
    expect(report.counts).toMatchObject({ tracks: 4, noteClips: 3, notes: 16 + 12 + 15 });
    expect(track(project, "FX 1").kind).toBe("bus");
  });

  it("reads volume, pan and mute automation in our units (automation)", async () => {
    const { project, report } = await importDawproject(bitwig("automation.dawproject"), folder());
    const t = track(project, "Inst 1");
    const lane = (p: string) => t.automation.find((l) => l.parameter === p)!.points;
    // Pan normalized 0.5, 0, 1 at beats 0, 2, 4 → centre, hard left, hard right.
    expect(lane("pan")).toEqual([
      { tick: 0, value: 0, curve: "linear" },
      { tick: 2 * PPQ, value: -1, curve: "linear" },
      { tick: 4 * PPQ, value: 1, curve: "linear" },
    ]);
    // Volume linear 1, 0.354813, 0.707946 at beats 0, 1.5, 4 → 0, −9, −3 dB.
    const volume = lane("faderDb");
    expect(volume.map((p) => p.tick)).toEqual([0, 1440, 3840]);
    expect(volume[0].value).toBeCloseTo(0, 4);
    expect(volume[1].value).toBeCloseTo(-9, 4);
    expect(volume[2].value).toBeCloseTo(-3, 4);
    expect(lane("mute")).toEqual([
      { tick: 0, value: 0, curve: "hold" },
      { tick: 2 * PPQ, value: 1, curve: "hold" },
    ]);
    expect(report.counts).toMatchObject({ automationLanes: 3, automationPoints: 8 });
    // The send to FX 1 is off (Enable false) at level 0 (−inf dB).
    expect(t.strip.sends).toEqual([
      {
        id: expect.any(String),
        busId: track(project, "FX 1").id,
        levelDb: -144,
        preFader: false,
        enabled: false,
      },
    ]);
  });

  it("maps Bitwig's EQ+ onto the strip EQ and reports what did not fit (eq)", async () => {
    const { project, report } = await importDawproject(bitwig("eq.dawproject"), folder());
    const strip = track(project, "EQ+").strip;
    // Band 1: highPass at 58.506 semitones = 240 Hz, order 8 (played at 24 dB/octave).
    expect(strip.highPass.enabled).toBe(true);
    expect(strip.highPass.frequency).toBeCloseTo(240, 3);
    expect(strip.highPass.slope).toBe(24);
    expect(strip.eq.map((b) => [b.type, Math.round(b.frequency), b.gainDb, b.q])).toEqual([
      ["peak", 900, -9, 1],
      ["highShelf", 12_000, 6, 1],
      ["peak", 2000, 12, 2],
      ["peak", 1173, 10.294118, 1],
    ]);
    expect(report.mappedDevices).toEqual([
      { owner: "eq", kind: "Equalizer", name: "EQ+", onto: "eq" },
    ]);
    expect(report.warnings.join("\n")).toMatch(/band 6 \(bell\): the strip EQ has 4 bands/);
  });

  it("keeps a plug-in it does not model, with its state file, and reports it (virtualcx)", async () => {
    const dir = folder();
    const { project, report } = await importDawproject(bitwig("virtualcx.dawproject"), dir);
    const t = track(project, "VirtualCZ");
    expect(report.keptDevices).toEqual([{ owner: t.id, kind: "Vst2Plugin", name: "VirtualCZ" }]);
    expect(t.devices).toHaveLength(1);
    expect(t.devices![0].xml).toContain('deviceID="1986230833"');
    const state = readFileSync(path.join(dir, t.devices![0].stateFile!));
    expect(state.length).toBe(349_889);
    expect(t.noteClips[0].notes.map((n) => [n.startTick, n.pitch, n.lengthTicks])).toEqual([
      [0, 60, 240],
      [480, 63, 240],
      [960, 67, 480],
    ]);
  });

  it("renders every imported project (instrument tracks may be silent)", async () => {
    for (const name of FILES) {
      const dir = folder();
      const { project } = await importDawproject(bitwig(name), dir);
      // Two seconds, so a file with no clips (eq) still has something to render.
      const report = await renderProject(dir, project, {
        output: path.join(dir, "mix.wav"),
        format: "wav",
        bitDepth: "32f",
        threads: 0,
        endSeconds: 2,
      });
      expect(report.frames, name).toBeGreaterThan(0);
    }
  });

  it("plays the looped chirp where the warp markers put it, within 1 ms", async () => {
    const dir = folder();
    const { project } = await importDawproject(bitwig("audio-regions.dawproject"), dir);
    const rate = 44_100;
    const out = path.join(dir, "mix.wav");
    await renderProject(dir, project, {
      output: out,
      format: "wav",
      bitDepth: "32f",
      sampleRate: rate,
      threads: 0,
    });
    const mix = read(out);
    const chirp = read(path.join(dir, project.sources[0].file));
    // Content time 0 of the chirp lands at beat k · 1.8333330154 (loopEnd, = Warp time of contentTime 1.0 s).
    const map = new TempoMap(project.tempo);
    for (let k = 0; k < 4; k++) {
      const expected = map.ticksToSeconds(k * 1.8333330154418945 * PPQ);
      const found =
        bestLag(mix, chirp, Math.round(expected * rate), Math.round(0.01 * rate), 8192) / rate;
      expect(Math.abs(found - expected) * 1000, `pass ${k}`).toBeLessThan(1);
    }
  });
});

function read(file: string): Float32Array {
  const reader = WavFileReader.open(file);
  const frames = reader.info.frames;
  const channels = Array.from({ length: reader.info.channels }, () => new Float32Array(frames));
  reader.readFrames(0, frames, channels);
  reader.close();
  return channels[0];
}

/** The start in `mix` (searched ±`reach` around `around`) where `probe`'s first `length` samples match best. */
function bestLag(
  mix: Float32Array,
  probe: Float32Array,
  around: number,
  reach: number,
  length: number,
): number {
  let best = around;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = Math.max(0, around - reach); lag <= around + reach; lag++) {
    let dot = 0;
    let energy = 1e-12;
    for (let i = 0; i < length && lag + i < mix.length; i++) {
      dot += mix[lag + i] * probe[i];
      energy += mix[lag + i] * mix[lag + i];
    }
    const score = dot / Math.sqrt(energy);
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}

describe.skipIf(!hasFiles)("DAWproject export", () => {
  it.each(FILES)("exports %s so that importing it again gives the same document", async (name) => {
    const first = await importDawproject(bitwig(name), folder());
    const dir = folder();
    await importDawproject(bitwig(name), dir);
    const file = path.join(work, `${name}-again.dawproject`);
    const report = await exportDawproject(dir, file);
    expect(report.lost).toEqual([]);
    const second = await importDawproject(file, folder());
    expectSameDocument(first.project, second.project);
  });

  it.skipIf(!hasXmllint).each(FILES)(
    "writes %s as project.xml that validates against Project.xsd",
    async (name) => {
      const dir = folder();
      await importDawproject(bitwig(name), dir);
      const file = path.join(work, `${name}-xsd.dawproject`);
      await exportDawproject(dir, file);
      const archive = DawprojectArchive.open(readFileSync(file));
      const unpacked = folder();
      execFileSync("mkdir", ["-p", unpacked]);
      for (const [entry, schema] of [
        ["project.xml", "Project.xsd"],
        ["metadata.xml", "MetaData.xsd"],
      ]) {
        const xml = path.join(unpacked, entry);
        execFileSync("sh", ["-c", 'cat > "$1"', "sh", xml], { input: archive.read(entry) });
        execFileSync("xmllint", ["--noout", "--schema", path.join(SPECS, schema), xml], {
          stdio: "pipe",
        });
      }
    },
  );
});

describe("DAWproject round trip of a document built here", () => {
  it("keeps tempo changes, meter, sections, sends, automation, fades and varispeed", async () => {
    const { projectToDawproject } = await import("./export.ts");
    const { parseProject } = await import("../../music/validate.ts");
    const project = parseProject({
      schemaVersion: 1,
      song: { title: "Round", artist: "Trip", notes: "a note" },
      tempo: {
        changes: [
          { tick: 0, bpm: 100 },
          { tick: 4 * 960 * 2, bpm: 140 },
        ],
        timeSignatures: [
          { tick: 0, numerator: 4, denominator: 4 },
          { tick: 4 * 960 * 4, numerator: 3, denominator: 4 },
        ],
      },
      sections: [
        { id: "section-1", name: "Verse", startTick: 0, lengthTicks: 7680, colour: "#112233" },
        { id: "section-2", name: "Chorus", startTick: 7680, lengthTicks: 9600 },
      ],
      sources: [
        { id: "drums", file: "audio/drums.wav", sampleRate: 48_000, channels: 2, frames: 480_000 },
      ],
      tracks: [
        {
          id: "drums-track",
          name: "Drums",
          kind: "audio",
          output: "verb",
          strip: {
            faderDb: -6.5,
            pan: -0.25,
            mute: false,
            solo: true,
            sends: [{ id: "s1", busId: "verb", levelDb: -12, preFader: true }],
            eq: [
              { type: "lowShelf", enabled: true, frequency: 120, gainDb: 3, q: 0.7 },
              { type: "peak", enabled: true, frequency: 400, gainDb: -2, q: 1.5 },
              { type: "peak", enabled: false, frequency: 2500, gainDb: 0, q: 1 },
              { type: "highShelf", enabled: true, frequency: 9000, gainDb: 1.5, q: 0.7 },
            ],
            highPass: { enabled: true, frequency: 60, slope: 24 },
            compressor: {
              enabled: true,
              thresholdDb: -20,
              ratio: 3,
              attackMs: 5,
              releaseMs: 120,
              makeupDb: 2,
            },
          },
          clips: [
            {
              id: "c1",
              sourceId: "drums",
              startTick: 960,
              offsetFrames: 48_000,
              lengthFrames: 96_000,
              playbackRate: 1.5,
              fadeIn: { frames: 4800 },
              fadeOut: { frames: 2400 },
            },
            {
              id: "c2",
              sourceId: "drums",
              startTick: 7000,
              offsetFrames: 0,
              lengthFrames: 200_000,
              mute: true,
            },
          ],
          automation: [
            {
              parameter: "faderDb",
              points: [
                { tick: 0, value: -6.5 },
                { tick: 1920, value: -20, curve: "hold" },
              ],
            },
            {
              parameter: "pan",
              points: [
                { tick: 0, value: -1 },
                { tick: 3840, value: 0.5 },
              ],
            },
            {
              parameter: "mute",
              points: [
                { tick: 0, value: 0, curve: "hold" },
                { tick: 960, value: 1, curve: "hold" },
              ],
            },
            {
              parameter: "sends.s1.levelDb",
              points: [
                { tick: 0, value: -12 },
                { tick: 960, value: 0 },
              ],
            },
          ],
        },
        {
          id: "keys",
          name: "Keys",
          kind: "instrument",
          noteClips: [
            {
              id: "n1",
              name: "riff",
              startTick: 0,
              lengthTicks: 3840,
              notes: [
                { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 480 },
                { pitch: 64, velocity: 1, startTick: 480, lengthTicks: 1 },
              ],
            },
          ],
        },
        { id: "verb", name: "Reverb", kind: "bus", strip: { panLaw: "0dB", faderDb: -3 } },
      ],
      master: {
        strip: { faderDb: -1, panLaw: "0dB" },
        automation: [
          {
            parameter: "faderDb",
            points: [
              { tick: 0, value: 0 },
              { tick: 15_360, value: -60 },
            ],
          },
        ],
      },
    });
    const written = projectToDawproject(project);
    expect(written.lost).toEqual([]);
    const files: Record<string, Uint8Array> = {
      "project.xml": new TextEncoder().encode(written.projectXml),
      "metadata.xml": new TextEncoder().encode(written.metadataXml),
    };
    for (const inside of written.files.keys()) files[inside] = new Uint8Array(4);
    const again = readDawproject(writeArchive(files), "round.dawproject");
    // Markers are points: the last section runs to where the last clip ends (c2: 7000 ticks
    // plus 200 000 frames at 48 kHz and 140 bpm), the one length DAWproject cannot carry.
    const map = new TempoMap(project.tempo);
    const end = Math.ceil(map.secondsToTicks(map.ticksToSeconds(7000) + 200_000 / 48_000));
    expect(again.project.sections[1].lengthTicks).toBe(end - 7680);
    project.sections[1].lengthTicks = end - 7680;
    expectSameDocument(project, again.project);
    expect(again.report.counts).toMatchObject({
      tempoChanges: 2,
      timeSignatures: 2,
      sections: 2,
      automationPoints: 10,
    });
  });

  it("turns tempo automation, markers and a varispeed warp into our document", () => {
    const xml = `<?xml version="1.0"?><Project version="1.0"><Application name="Hand" version="1"/>
      <Transport><Tempo id="tempo" unit="bpm" value="120"/><TimeSignature id="sig" numerator="4" denominator="4"/></Transport>
      <Structure><Track id="t" name="Loop" contentType="audio"><Channel id="c" role="regular"/></Track></Structure>
      <Arrangement id="a"><Lanes timeUnit="beats"><Lanes track="t"><Clips>
        <Clip time="4" duration="4"><Warps contentTimeUnit="seconds" timeUnit="beats">
          <Audio sampleRate="48000" channels="1" duration="10"><File path="audio/a.wav"/></Audio>
          <Warp time="0" contentTime="1"/><Warp time="4" contentTime="5"/></Warps></Clip>
        <Clip time="10" duration="2" contentTimeUnit="seconds" playStart="0.5">
          <Audio sampleRate="48000" channels="1" duration="10"><File path="audio/a.wav"/></Audio></Clip>
      </Clips></Lanes></Lanes>
      <Markers><Marker time="0" name="Intro" color="#ff0000"/><Marker time="8" name="Drop"/></Markers>
      <TempoAutomation unit="bpm"><Target parameter="tempo"/><RealPoint time="0" value="120" interpolation="hold"/><RealPoint time="8" value="60" interpolation="hold"/></TempoAutomation>
      </Arrangement></Project>`;
    const bytes = writeArchive({
      "project.xml": new TextEncoder().encode(xml),
      "audio/a.wav": new Uint8Array(4),
    });
    const { project } = readDawproject(bytes, "hand.dawproject");
    expect(project.tempo.changes).toEqual([
      { tick: 0, bpm: 120 },
      { tick: 8 * PPQ, bpm: 60 },
    ]);
    expect(project.sections.map((s) => [s.name, s.startTick, s.lengthTicks, s.colour])).toEqual([
      ["Intro", 0, 8 * PPQ, "#ff0000"],
      ["Drop", 8 * PPQ, 4 * PPQ, "#7f8c8d"],
    ]);
    const [warpedClip, plain] = project.tracks[0].clips;
    // 4 beats at 120 bpm are 2 s and play 4 s of the file: twice as fast, from 1 s in.
    expect(warpedClip).toMatchObject({
      startTick: 4 * PPQ,
      offsetFrames: 48_000,
      lengthFrames: 192_000,
      playbackRate: 2,
    });
    // 2 beats at 60 bpm are 2 s of the file in real time, from 0.5 s in.
    expect(plain).toMatchObject({
      startTick: 10 * PPQ,
      offsetFrames: 24_000,
      lengthFrames: 96_000,
      playbackRate: 1,
    });
  });

  it("refuses nonsense with a ControlRoomError rather than a crash", () => {
    const bytes = writeArchive({
      "project.xml": new TextEncoder().encode(
        '<Project version="1"><Application name="x" version="1"/><Transport><Tempo unit="bpm" value="5000"/></Transport></Project>',
      ),
    });
    expect(() => readDawproject(bytes, "fast.dawproject")).toThrow(ControlRoomError);
  });
});
