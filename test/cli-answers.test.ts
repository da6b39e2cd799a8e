import { access } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemoSong } from "../examples/demo-song/generate.ts";
import { controlroom, ffmpeg } from "./support/cli.ts";
import { tempDir } from "./support/projects.ts";

let work: string;
let song: string;

beforeAll(async () => {
  work = await tempDir("controlroom-answers-");
  song = path.join(work, "demo");
  await generateDemoSong(song);
});

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe("the command line answers what it cannot do", () => {
  it("render refuses an extension it cannot write, naming those it can", async () => {
    const output = path.join(work, "mix.ogg");
    const result = controlroom("render", song, "-o", output);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "E_USAGE: render cannot write .ogg files (mix.ogg): it writes wav, flac and mp3; name the output .wav, .flac or .mp3",
    );
    expect(await exists(output)).toBe(false);
  });

  it("render says when a range starts past the song's end, naming its length", () => {
    const result = controlroom("render", song, "-o", path.join(work, "late.wav"), "--start", "@40");
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'E_USAGE: --start @40 (1:18.0) is past the end of the song: "Control Room Demo" is 0:32.0 long',
    );
  });

  it("render says when a range ends far past the song's end", () => {
    const result = controlroom("render", song, "-o", path.join(work, "long.wav"), "--end", "10:00");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      '--end 10:00 (10:00.0) is more than 30 s past the end of the song: "Control Room Demo" is 0:32.0 long',
    );
  });

  it("compare explains a band the reference has nothing in instead of +inf dB", () => {
    const mix = path.join(work, "wide.wav");
    const reference = path.join(work, "phone.wav");
    for (const [file, rate] of [
      [mix, 48_000],
      [reference, 8000],
    ] as const) {
      const made = ffmpeg("-f", "lavfi", "-i", `anoisesrc=d=3:c=pink:r=${rate}`, "-ac", "2", file);
      expect(made.status, made.stderr).toBe(0);
    }
    const result = controlroom("compare", mix, "--reference", reference);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/\+inf/);
    expect(result.stdout).toMatch(/Highs \(> 8 kHz\) +-\d+\.\d dB +-inf dB +reference empty/);
    expect(result.stdout).toContain("phone.wav has nothing in Highs (> 8 kHz)");
  });
});

describe("controlroom info", () => {
  it("reads tempo as people do, counts note clips and aligns its columns", () => {
    expect(controlroom("set", song, "tempo", "72.00002880001152").status).toBe(0);
    const result = controlroom("info", song);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("tempo 72 BPM at bar 1.1");
    expect(result.stdout).toContain("Tracks (8): 6 audio clips, 1 note clip");
    const lines = result.stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("  Track "));
    const keys = lines.find((l) => l.startsWith("  Keys "));
    expect(keys).toMatch(/^ {2}Keys +instrument +1 +4\.0 dB/);
    // Every row of the track table puts its Output column where the header does.
    const output = lines[header].indexOf("Output");
    for (const line of lines.slice(header + 1, header + 9)) {
      expect(line.slice(output)).toMatch(/^(master|Drum Bus)/);
    }
  });
});
