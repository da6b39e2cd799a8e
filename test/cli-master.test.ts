import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { controlroom } from "./support/cli.ts";
import { probeStream } from "./support/peers.ts";
import { noise, tempDir, writeProject, writeSource } from "./support/projects.ts";

/**
 * `controlroom master` and `controlroom render --master`, run as a person would: a mix file
 * or a project folder in, one master per profile and its report out.
 */

let work: string;
let song: string;
let mixFile: string;

/** Four seconds of pulsing noise: something with a loudness and peaks to limit. */
function pulses(seed: number): Float64Array {
  const rate = 48_000;
  const x = noise(4 * rate, 0.6, seed);
  for (let i = 0; i < x.length; i++) x[i] *= 0.2 + 0.8 * Math.exp(-((i % (rate / 2)) / 2400));
  return x;
}

beforeAll(async () => {
  work = await tempDir("controlroom-cli-master-");
  song = path.join(work, "song");
  const source = await writeSource(song, "drums", 48_000, [pulses(1), pulses(2)]);
  mixFile = path.join(song, source.file);
  await writeProject(song, {
    song: { title: "Pulse/Song", sampleRate: 48_000 },
    sources: [source],
    tracks: [
      {
        id: "drums",
        name: "Drums",
        kind: "audio",
        clips: [{ id: "c", sourceId: "drums", startTick: 0, lengthFrames: source.frames }],
      },
    ],
  });
});

describe("controlroom master", () => {
  it("writes a master and a JSON report per profile from a mix file, and prints a table", () => {
    const out = path.join(work, "masters");
    const result = controlroom("master", mixFile, "--profile", "spotify,cd", "-o", out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Spotify\s+WAV 24-bit 44\.1 kHz\s+[+-]\d+\.\d dB\s+-14\.0 LUFS/);
    expect(result.stdout).toMatch(
      /CD \(Red Book\)\s+WAV 16-bit 44\.1 kHz\s+[+-]\d+\.\d dB\s+-12\.0 LUFS/,
    );
    for (const name of ["drums - Spotify", "drums - CD (Red Book)"]) {
      expect(existsSync(path.join(out, `${name}.wav`)), name).toBe(true);
      const report = JSON.parse(readFileSync(path.join(out, `${name}.json`), "utf8"));
      expect(report.pass).toBe(true);
      expect(report.output).toBe(path.join(out, `${name}.wav`));
      expect(report.loudness.truePeakDbtp).toBeLessThanOrEqual(-1);
      // The penalty on each streaming platform, from the master's own loudness.
      const spotify = report.platforms.find((p: { profile: string }) => p.profile === "spotify");
      expect(spotify.penaltyDb).toBeCloseTo(Math.max(0, report.loudness.integratedLufs - -14), 9);
    }
    expect(probeStream(path.join(out, "drums - CD (Red Book).wav")).codec_name).toBe("pcm_s16le");
  });

  it("renders a project's mix first and names the masters after the song, --json", () => {
    const out = path.join(work, "from-project");
    const result = controlroom("master", song, "--profile", "tidal", "-o", out, "--json");
    expect(result.status, result.stderr).toBe(0);
    const { ok, masters } = JSON.parse(result.stdout);
    expect(ok).toBe(true);
    expect(masters).toHaveLength(1);
    expect(masters[0].output).toBe(path.join(out, "Pulse_Song - Tidal.flac"));
    expect(Math.abs(masters[0].loudness.integratedLufs - -14)).toBeLessThanOrEqual(0.3);
    const stream = probeStream(masters[0].output);
    expect([stream.codec_name, stream.sample_rate, stream.bits_per_raw_sample]).toEqual([
      "flac",
      "44100",
      "24",
    ]);
  });

  it("refuses an unknown profile, naming the ones it knows, and a missing input", () => {
    const unknown = controlroom("master", mixFile, "--profile", "napster", "-o", work);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('"napster" is not a delivery profile; choose from spotify');
    const missing = controlroom(
      "master",
      path.join(work, "nope.wav"),
      "--profile",
      "cd",
      "-o",
      work,
    );
    expect(missing.status).toBe(4);
    expect(missing.stderr).toContain("nope.wav does not exist");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("controlroom render --master", () => {
  it("renders the project and masters the mix to one profile in one step", () => {
    const output = path.join(work, "single.wav");
    const result = controlroom("render", song, "-o", output, "--master", "youtube");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/YouTube\s+WAV 24-bit 48 kHz/);
    expect(result.stdout).toContain("pass");
    const stream = probeStream(output);
    expect([stream.codec_name, stream.sample_rate]).toEqual(["pcm_s24le", "48000"]);
  });

  it("refuses a format or rate beside --master, which takes them from the profile", () => {
    const result = controlroom(
      "render",
      song,
      "-o",
      path.join(work, "x.flac"),
      "--master",
      "spotify",
      "--format",
      "flac",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--format cannot be combined with --master");
    expect(existsSync(path.join(work, "x.flac"))).toBe(false);
  });
});
