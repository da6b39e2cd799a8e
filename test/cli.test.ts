import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { controlroom, ffmpeg } from "./support/cli.ts";

/** project.json as the tests break it: deliberately wrong types and unknown fields. */
// biome-ignore lint/suspicious/noExplicitAny: the point is JSON the schema refuses
type BrokenJson = any;

import { tempDir } from "./support/projects.ts";

let work: string;
let song: string;

beforeAll(async () => {
  work = await tempDir("controlroom-cli-");
  song = path.join(work, "song");
  // Two takes made by another tool: a stereo 24-bit WAV at 44.1 kHz and a mono MP3.
  expect(
    ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=220:duration=3:sample_rate=44100",
      "-ac",
      "2",
      "-c:a",
      "pcm_s24le",
      path.join(work, "guitar.wav"),
    ).status,
  ).toBe(0);
  expect(
    ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:duration=2:sample_rate=48000",
      "-c:a",
      "libmp3lame",
      "-b:a",
      "192k",
      path.join(work, "vox.mp3"),
    ).status,
  ).toBe(0);
});

describe("controlroom", () => {
  it("prints --help for every command and exits 0", () => {
    for (const command of [
      "new",
      "add-track",
      "info",
      "arrange",
      "set",
      "render",
      "loudness",
      "master",
      "compare",
      "import",
      "export",
      "serve",
      "account",
      "worker",
      "push",
      "pull",
      "demo",
    ]) {
      const result = controlroom(command, "--help");
      expect(result.status, command).toBe(0);
      expect(result.stdout).toContain(`controlroom ${command}`);
    }
    expect(controlroom("--help").stdout).toContain("Exit codes");
  });

  it("exits 2 with one line for an unknown flag or command", () => {
    const flag = controlroom("render", "x", "--loud");
    expect(flag.status).toBe(2);
    expect(flag.stderr.trim().split("\n")).toHaveLength(1);
    expect(flag.stderr).toMatch(/^E_USAGE: render: Unknown option '--loud'/);
    expect(controlroom("mixdown").status).toBe(2);
  });

  it("creates a project, imports a WAV and an MP3, and describes them", async () => {
    expect(controlroom("new", song, "--title", "Session").status).toBe(0);
    expect(controlroom("new", song).status).toBe(3);
    const guitar = controlroom(
      "add-track",
      song,
      "--audio",
      path.join(work, "guitar.wav"),
      "--name",
      "Guitar",
    );
    expect(guitar.stderr).toBe("");
    expect(guitar.stdout).toContain(
      'added track "Guitar" from audio/guitar.wav: 2 ch, 44100 Hz, 3.00 s',
    );
    const vox = controlroom("add-track", song, "--audio", path.join(work, "vox.mp3"), "--json");
    expect(vox.status).toBe(0);
    const added = JSON.parse(vox.stdout);
    expect(added.source).toMatchObject({ file: "audio/vox.wav", channels: 1, sampleRate: 48_000 });
    const info = JSON.parse(controlroom("info", song, "--json").stdout);
    expect(info.project.tracks.map((t: { name: string }) => t.name)).toEqual(["Guitar", "vox"]);
    expect(info.durationSeconds).toBeCloseTo(3, 3);
    expect(controlroom("info", song).stdout).toContain("Guitar");
  });

  it("renders WAV, FLAC and MP3 that ffmpeg decodes, with stems and a range", async () => {
    for (const [file, extra] of [
      ["mix.wav", ["--bit-depth", "16"]],
      ["mix.flac", []],
      ["mix.mp3", []],
    ] as const) {
      const output = path.join(work, file);
      const result = controlroom("render", song, "-o", output, "--json", ...extra);
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.seconds).toBeCloseTo(3, 3);
      const decoded = ffmpeg("-i", output, "-f", "null", "-");
      expect(decoded.status, decoded.stderr).toBe(0);
    }
    const stems = path.join(work, "stems");
    const part = controlroom(
      "render",
      song,
      "-o",
      path.join(work, "part.wav"),
      "--stems",
      stems,
      "--start",
      "0.5",
      "--end",
      "@2",
      "--json",
    );
    expect(part.status, part.stderr).toBe(0);
    const report = JSON.parse(part.stdout);
    expect(report.seconds).toBeCloseTo(1.5, 6); // bar 2 at 120 BPM is 2 s
    expect(report.stems.map((s: string) => path.basename(s))).toEqual([
      "01 Guitar.wav",
      "02 vox.wav",
    ]);
  });

  it("writes a readable report with peak and RMS on a terminal-less run", () => {
    const result = controlroom("render", song, "-o", path.join(work, "report.wav"));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/peak {2}L -?\d+\.\d\d dBFS/);
    expect(result.stdout).toMatch(/×\s?realtime/);
  });
});

describe("bad input gets one clear line, a non-zero exit, and leaves the output untouched", () => {
  const output = () => path.join(work, "keep.wav");
  const untouched = "an earlier mix the user wants to keep";

  async function project(name: string, edit: (json: BrokenJson) => void): Promise<string> {
    const dir = path.join(work, name);
    expect(controlroom("new", dir).status).toBe(0);
    expect(
      controlroom("add-track", dir, "--audio", path.join(work, "guitar.wav"), "--name", "Guitar")
        .status,
    ).toBe(0);
    const file = path.join(dir, "project.json");
    const json = JSON.parse(await readFile(file, "utf8"));
    edit(json);
    await writeFile(file, JSON.stringify(json));
    return dir;
  }

  async function expectFailure(dir: string, code: number, line: RegExp) {
    await writeFile(output(), untouched);
    const result = controlroom("render", dir, "-o", output());
    expect(result.status).toBe(code);
    const lines = result.stderr.trim().split("\n");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(await readFile(output(), "utf8")).toBe(untouched);
  }

  it("a truncated WAV", async () => {
    const dir = await project("truncated", () => {});
    const wav = path.join(dir, "audio", "guitar.wav");
    const bytes = await readFile(wav);
    await writeFile(wav, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectFailure(dir, 4, /^E_WAV_TRUNCATED: guitar\.wav .*/);
  });

  it("a WAV whose header sizes lie", async () => {
    const dir = await project("lying", () => {});
    const wav = path.join(dir, "audio", "guitar.wav");
    const bytes = await readFile(wav);
    bytes.writeUInt16LE(7, 32); // block align: 7 bytes per frame for 2 × 24-bit
    await writeFile(wav, bytes);
    await expectFailure(
      dir,
      4,
      /^E_WAV_HEADER: guitar\.wav: nBlockAlign is 7, but 2 channels of 24-bit samples take 6 bytes per frame$/,
    );
  });

  it("an unsupported codec", async () => {
    const adpcm = path.join(work, "adpcm.wav");
    expect(ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "adpcm_ms", adpcm).status).toBe(
      0,
    );
    const dir = path.join(work, "adpcm-song");
    controlroom("new", dir);
    const result = controlroom("add-track", dir, "--audio", adpcm);
    expect(result.status).toBe(4);
    expect(result.stderr.trim()).toMatch(/^E_WAV_UNSUPPORTED_CODEC: adpcm\.wav .*/);
  });

  it("project.json with wrong types", async () => {
    const dir = await project("types", (json) => {
      json.tracks[0].strip.faderDb = "loud";
    });
    await expectFailure(dir, 3, /^E_PROJECT_SCHEMA: project\.json: tracks\.0\.strip\.faderDb: /);
  });

  it("project.json with unknown fields", async () => {
    const dir = await project("unknown", (json) => {
      json.tracks[0].volume = 3;
    });
    await expectFailure(
      dir,
      3,
      /^E_PROJECT_SCHEMA: project\.json: tracks\.0: unknown field "volume"/,
    );
  });

  it("a missing audio file", async () => {
    const dir = await project("missing", (json) => {
      json.sources[0].file = "audio/gone.wav";
    });
    await expectFailure(dir, 4, /^E_SOURCE_MISSING: audio\/gone\.wav is missing/);
  });

  it("a clip that points past the end of its source", async () => {
    const dir = await project("past-end", (json) => {
      json.tracks[0].clips[0].offsetFrames = 100_000;
    });
    await expectFailure(
      dir,
      3,
      /^E_PROJECT_INTEGRITY: project\.json: tracks\.0\.clips\.0\.lengthFrames: clip "guitar-clip" plays to frame 232300 of audio\/guitar\.wav, which has 132300 frames/,
    );
  });
});
