import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coordinates, xmlProblems } from "../analysis/plot/well-formed.ts";
import { EXIT } from "../cli/exit-codes.ts";
import { WavFileWriter } from "../formats/node/wav-file.ts";
import { type CliResult, controlroom, ffmpeg } from "./support/cli.ts";
import { ffmpegLoudness, haveFfmpeg } from "./support/peers.ts";
import { tempDir } from "./support/projects.ts";

/**
 * `controlroom loudness` and `controlroom compare` run as a person runs them, on files that
 * ffmpeg makes from signals whose loudness, band energies and crest factor can be worked out
 * by hand. Every expected number below comes from the signal, not from a run of the program.
 */

const haveRsvg = spawnSync("rsvg-convert", ["--version"]).status === 0;
if (!haveFfmpeg) console.log("CLI analysis tests skipped: no ffmpeg on the PATH");
if (!haveRsvg)
  console.log("CLI PNG plot tests skipped: no rsvg-convert (librsvg2-bin) on the PATH");

const RATE = 48_000;
/** −23 dBFS: the level of EBU Tech 3341 test case 1. */
const TONE_AMPLITUDE = 10 ** (-23 / 20);
const LOUD_AMPLITUDE = 0.5;
const SHORT_AMPLITUDE = 0.3;

/** ITU-R BS.1770-5 Annex 1, Tables 1 and 2: the K-weighting's two biquads at 48 kHz. */
const K_WEIGHTING_48K = [
  {
    b: [1.53512485958697, -2.69169618940638, 1.19839281085285],
    a: [1, -1.69065929318241, 0.73248077421585],
  },
  { b: [1, -2, 1], a: [1, -1.99004745483398, 0.99007225036621] },
];

/** |c0 + c1·e^−jω + c2·e^−2jω|². */
function polynomialPower(c: number[], w: number): number {
  const re = c[0] + c[1] * Math.cos(w) + c[2] * Math.cos(2 * w);
  const im = c[1] * Math.sin(w) + c[2] * Math.sin(2 * w);
  return re * re + im * im;
}

/** The K-weighting's power gain at `hz`, from the published coefficients. */
function kWeightingPower(hz: number): number {
  const w = (2 * Math.PI * hz) / RATE;
  return K_WEIGHTING_48K.reduce(
    (gain, { b, a }) => gain * (polynomialPower(b, w) / polynomialPower(a, w)),
    1,
  );
}

/**
 * BS.1770-5 eq. 2 for steady sines, the same in both channels of a stereo file: each channel's
 * mean square after K-weighting is Σ A²/2·|K(f)|², both channel weights are 1, and the
 * loudness is −0.691 + 10·log10 of the two channels' sum.
 */
function stereoSinesLufs(tones: [hz: number, amplitude: number][]): number {
  const perChannel = tones.reduce((sum, [hz, a]) => sum + ((a * a) / 2) * kWeightingPower(hz), 0);
  return -0.691 + 10 * Math.log10(2 * perChannel);
}

const dbfs = (amplitude: number) => 20 * Math.log10(amplitude);
const power = (db: number) => 10 ** (db / 10);

/** A sine term for ffmpeg's aevalsrc. */
const sine = (hz: number, amplitude: number) => `${amplitude}*sin(2*PI*${hz}*t)`;

let work: string;
const file = (name: string) => path.join(work, name);

/** A 48 kHz stereo 32-bit float WAV of one aevalsrc expression in both channels. */
function generate(name: string, seconds: number, expression: string): string {
  const run = ffmpeg(
    "-f",
    "lavfi",
    "-i",
    `aevalsrc=${expression}|${expression}:s=${RATE}:d=${seconds}`,
    "-c:a",
    "pcm_f32le",
    file(name),
  );
  expect(run.status, run.stderr).toBe(0);
  return file(name);
}

function transcode(source: string, name: string, ...codec: string[]): string {
  const run = ffmpeg("-i", source, ...codec, file(name));
  expect(run.status, run.stderr).toBe(0);
  return file(name);
}

/** A float WAV written by our own writer, for samples ffmpeg would not make (NaN, ±Infinity). */
async function writeFloatWav(name: string, channels: Float64Array[]): Promise<string> {
  const writer = WavFileWriter.open(file(name), {
    channels: channels.length,
    sampleRate: RATE,
    encoding: "float",
    bitsPerSample: 32,
  });
  writer.write(channels, 0, channels[0].length);
  await writer.commit();
  return file(name);
}

/** A copy of a WAV file whose "fmt " chunk claims another channel count. */
function withChannelCount(source: string, name: string, channels: number): string {
  const bytes = readFileSync(source);
  bytes.writeUInt16LE(channels, bytes.indexOf("fmt ") + 10);
  writeFileSync(file(name), bytes);
  return file(name);
}

function json(result: CliResult) {
  expect(result.status, result.stderr).toBe(EXIT.ok);
  return JSON.parse(result.stdout);
}

/** A cell of text output as a number: "-23.0 LUFS" → −23, "+6.0 LU" → 6, "-inf dB" → −∞. */
function cellValue(cell: string): number {
  const value = cell.split(" ")[0];
  if (value === "-inf") return Number.NEGATIVE_INFINITY;
  if (value === "+inf") return Number.POSITIVE_INFINITY;
  if (value === "n/a") return Number.NaN;
  return Number(value);
}

/** The cells after the label of the table row that starts with `label`. */
function row(text: string, label: string): string[] {
  const line = text
    .split("\n")
    .map((l) => l.trimStart())
    .find((l) => l.startsWith(`${label}   `));
  expect(line, `no row "${label}" in:\n${text}`).toBeDefined();
  return line!
    .slice(label.length)
    .trim()
    .split(/\s{3,}/);
}

/** A value the loudness report prints after its label, as "Integrated  -23.0 LUFS". */
function reading(text: string, label: string, unit: string): number {
  const match = new RegExp(`${label}\\s+(-inf|-?\\d+\\.\\d) ${unit}`).exec(text);
  expect(match, `no "${label}" in:\n${text}`).not.toBeNull();
  return cellValue(match![1]);
}

/** Printed to one decimal: within half a step of the value, or the same infinity. */
function expectPrinted(printed: number, value: number | null) {
  if (value === null) {
    expect(printed).toBe(Number.NEGATIVE_INFINITY);
    return;
  }
  expect(Math.abs(printed - value)).toBeLessThanOrEqual(0.05 + 1e-9);
}

/** One line naming the problem on stderr, the exit code for bad audio, no JavaScript stack. */
function expectAudioError(result: CliResult, line: RegExp) {
  expect(result.status, result.stderr).toBe(EXIT.audio);
  const lines = result.stderr.trim().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain("unexpectedly");
}

/** The plot as XML and as curves: well formed, every coordinate a number, both named. */
function expectChart(svgFile: string, labels: string[]) {
  const svg = readFileSync(svgFile, "utf8");
  expect(svg.startsWith("<svg")).toBe(true);
  expect(xmlProblems(svg)).toEqual([]);
  for (const value of coordinates(svg)) expect(Number.isFinite(Number(value)), value).toBe(true);
  const curves = [...svg.matchAll(/<path d="(M[^"]*)" fill="none"/g)].map(([, d]) => d);
  expect(curves.length).toBeGreaterThanOrEqual(labels.length);
  for (const d of curves) expect(d.split("L").length).toBeGreaterThan(10);
  for (const label of labels) expect(svg).toContain(label);
  if (haveRsvg) {
    // librsvg parses with libxml2: a real XML parser, stricter than the check above.
    const render = spawnSync("rsvg-convert", ["--format", "png", svgFile], { encoding: "buffer" });
    expect(render.status, render.stderr.toString()).toBe(0);
  }
}

/** PNG signature (ISO/IEC 15948 §5.2); the IHDR's width and height follow it. */
function pngSize(pngFile: string): { width: number; height: number } {
  const png = readFileSync(pngFile);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svgFile: string): { width: number; height: number } {
  const svg = readFileSync(svgFile, "utf8");
  const [, width, height] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { width: Number(width), height: Number(height) };
}

describe.skipIf(!haveFfmpeg)("controlroom loudness and compare", () => {
  const tone: Record<string, string> = {};
  let loud: string;

  beforeAll(async () => {
    work = await tempDir("controlroom-cli-analysis-");
    tone.wav = generate("tone.wav", 5, sine(997, TONE_AMPLITUDE));
    tone.flac = transcode(tone.wav, "tone.flac", "-c:a", "flac");
    tone.mp3 = transcode(tone.wav, "tone.mp3", "-c:a", "libmp3lame", "-b:a", "320k");
    tone.ogg = transcode(tone.wav, "tone.ogg", "-c:a", "libvorbis", "-q:a", "6");
    tone.opus = transcode(tone.wav, "tone.opus", "-c:a", "libopus", "-b:a", "192k");
    loud = generate("loud.wav", 4, sine(997, LOUD_AMPLITUDE));
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe("loudness", () => {
    // [file, codec, tolerance on integrated loudness, LU]. EBU Tech 3341 Table 1 allows ±0.1 LU;
    // a lossy codec adds its own error on a pure tone, which ffmpeg's ebur128 reads in the same
    // file (checked below), so those get ±0.2 LU.
    let formats: (readonly [string, string, number])[];
    /** One run over every format and the loud tone, as JSON and as text. */
    let measured: LoudnessJson[];
    let text: CliResult;

    beforeAll(() => {
      formats = [
        [tone.wav, "wav", 0.1],
        [tone.flac, "flac", 0.1],
        [tone.mp3, "mp3", 0.2],
        [tone.ogg, "vorbis", 0.2],
        [tone.opus, "opus", 0.2],
      ];
      const report = json(controlroom("loudness", ...formats.map(([f]) => f), loud, "--json"));
      expect(report.ok).toBe(true);
      measured = report.files;
      text = controlroom("loudness", tone.wav, loud);
    });

    const measuredOf = (name: string) => measured.find((r) => r.file === name)!;

    it("gives one result per file, in the order named", () => {
      expect(measured.map((r) => r.file)).toEqual([...formats.map(([f]) => f), loud]);
    });

    it("reads a −23 dBFS 997 Hz stereo sine as BS.1770-5 predicts, from WAV, FLAC, MP3, Ogg Vorbis and Opus", () => {
      const expected = stereoSinesLufs([[997, TONE_AMPLITUDE]]);
      for (const [name, codec, tolerance] of formats) {
        const r = measuredOf(name);
        const where = `${path.basename(name)}: ${JSON.stringify(r).slice(0, 400)}`;
        expect(r.codec, where).toBe(codec);
        expect(r.sampleRate, where).toBe(RATE);
        expect(r.channels, where).toBe(2);
        expect(Math.abs(r.integratedLufs - expected), where).toBeLessThanOrEqual(tolerance);
        // A steady tone: every momentary and short-term value is the integrated loudness.
        expect(Math.abs(r.maxMomentaryLufs - r.integratedLufs), where).toBeLessThanOrEqual(0.05);
        expect(Math.abs(r.maxShortTermLufs - r.integratedLufs), where).toBeLessThanOrEqual(0.05);
        expect(r.loudnessRangeLu, where).toBeLessThanOrEqual(0.1);
        expect(r.truePeakDbtp, where).toBeGreaterThanOrEqual(r.samplePeakDbfs);
        if (codec === "wav" || codec === "flac") {
          // Lossless: the peaks are the signal's; Tech 3341 Table 1: true peak +0.2/−0.4 dB.
          expect(Math.abs(r.samplePeakDbfs - dbfs(TONE_AMPLITUDE)), where).toBeLessThan(0.01);
          expect(r.truePeakDbtp - dbfs(TONE_AMPLITUDE), where).toBeLessThanOrEqual(0.2);
          expect(r.truePeakDbtp - dbfs(TONE_AMPLITUDE), where).toBeGreaterThanOrEqual(-0.4);
        }
        const peer = ffmpegLoudness(name);
        expect(Math.abs(r.integratedLufs - peer.integratedLufs), where).toBeLessThanOrEqual(0.1);
      }
    });

    it("prints I, LRA, true peak, sample peak, max M and max S for each file, as --json has them", () => {
      expect(text.status, text.stderr).toBe(EXIT.ok);
      const blocks = text.stdout.split(/\n(?=\S)/);
      expect(blocks).toHaveLength(2);
      for (const [i, [name, seconds]] of [
        [tone.wav, "0:05.0"],
        [loud, "0:04.0"],
      ].entries()) {
        const block = blocks[i];
        const r = measuredOf(name);
        expect(block.startsWith(`${name}  (48000 Hz, 2 ch, ${seconds})`), block).toBe(true);
        expectPrinted(reading(block, "Integrated", "LUFS"), r.integratedLufs);
        expectPrinted(reading(block, "Loudness range", "LU"), r.loudnessRangeLu);
        expectPrinted(reading(block, "True peak", "dBTP"), r.truePeakDbtp);
        expectPrinted(reading(block, "Sample peak", "dBFS"), r.samplePeakDbfs);
        expectPrinted(reading(block, "Max momentary", "LUFS"), r.maxMomentaryLufs);
        expectPrinted(reading(block, "Max short-term", "LUFS"), r.maxShortTermLufs);
      }
    });

    it("shows every platform's penalty: a loud master is turned down by its distance from the target", () => {
      const r = measuredOf(loud);
      expect(Math.abs(r.integratedLufs - stereoSinesLufs([[997, LOUD_AMPLITUDE]]))).toBeLessThan(
        0.1,
      );
      expect(r.platforms.map((p) => p.name)).toContain("Spotify");
      const table = text.stdout.split(/\n(?=\S)/)[1];
      for (const p of r.platforms) {
        // Every platform's target lies below a master this loud, so each turns it down.
        expect(p.targetLufs).toBeLessThan(r.integratedLufs);
        expect(Math.abs(p.penaltyDb - (r.integratedLufs - p.targetLufs)), p.name).toBeLessThan(
          1e-9,
        );
        expect(p.playbackGainDb).toBeCloseTo(-p.penaltyDb, 9);
        const [target, gain, penalty] = row(table, p.name);
        expect(target).toBe(`${p.targetLufs} LUFS`);
        expectPrinted(cellValue(gain), p.playbackGainDb);
        expectPrinted(cellValue(penalty), p.penaltyDb);
      }
    });

    it("charges no penalty to a −23 LUFS master, and raises it only where a platform turns quiet tracks up", () => {
      const r = measuredOf(tone.wav);
      const table = text.stdout.split(/\n(?=\S)/)[0];
      for (const p of r.platforms) {
        expect(p.penaltyDb, p.name).toBe(0);
        const raised = p.targetLufs - r.integratedLufs;
        expect(
          [0, raised].some((g) => Math.abs(p.playbackGainDb - g) < 1e-9),
          p.name,
        ).toBe(true);
        const [, gain, penalty] = row(table, p.name);
        expect(penalty).toBe("none");
        expectPrinted(cellValue(gain), p.playbackGainDb);
      }
    });

    it("draws momentary and short-term loudness to an SVG or a PNG, and says where it is", () => {
      const svg = file("tone-loudness.svg");
      const result = controlroom("loudness", tone.wav, "--plot", svg);
      expect(result.status, result.stderr).toBe(EXIT.ok);
      expect(result.stdout).toContain(`plot: ${svg}`);
      expectChart(svg, ["Momentary (400 ms)", "Short-term (3 s)"]);
      if (!haveRsvg) return;
      const png = file("tone-loudness.png");
      const [r] = json(controlroom("loudness", tone.wav, "--plot", png, "--json")).files;
      expect(r.plot).toBe(png);
      expect(pngSize(png)).toEqual(svgSize(svg));
    });

    it("gives each of several files its own plot, named after the file, even when two share a name", () => {
      mkdirSync(file("take-2"));
      const sameName = file("take-2/tone.wav");
      copyFileSync(tone.wav, sameName);
      const result = controlroom("loudness", tone.wav, loud, sameName, "--plot", file("each.svg"));
      expect(result.status, result.stderr).toBe(EXIT.ok);
      const plots = [...result.stdout.matchAll(/^plot: (.*)$/gm)].map(([, p]) => p);
      expect(plots).toEqual([
        file("each-tone.svg"),
        file("each-loud.svg"),
        file("each-tone-2.svg"),
      ]);
      for (const plot of plots) expectChart(plot, ["Momentary (400 ms)"]);
      // Each chart's title names its file.
      expect(
        plots.map((p) => /font-weight="bold">([^:<]*):/.exec(readFileSync(p, "utf8"))?.[1]),
      ).toEqual(["tone.wav", "loud.wav", "tone.wav"]);
    });
  });

  describe("loudness of files that hold no loudness, or no audio", () => {
    it("gives silence and a 10 ms file a defined reading, −inf where there is no loudness, and exits 0", () => {
      const silence = generate("silence.wav", 3, "0");
      const short = generate("short.wav", 0.01, sine(997, SHORT_AMPLITUDE));
      const text = controlroom("loudness", silence, short);
      expect(text.status, text.stderr).toBe(EXIT.ok);
      expect(text.stderr).toBe("");
      const [silent, brief] = text.stdout.split(/\n(?=\S)/);
      for (const [label, unit] of [
        ["Integrated", "LUFS"],
        ["True peak", "dBTP"],
        ["Sample peak", "dBFS"],
        ["Max momentary", "LUFS"],
        ["Max short-term", "LUFS"],
      ]) {
        expect(reading(silent, label, unit), label).toBe(Number.NEGATIVE_INFINITY);
      }
      expect(reading(silent, "Loudness range", "LU")).toBe(0);
      // 10 ms holds no 400 ms block, so no loudness; it does have peaks.
      expect(reading(brief, "Integrated", "LUFS")).toBe(Number.NEGATIVE_INFINITY);
      expect(reading(brief, "Max momentary", "LUFS")).toBe(Number.NEGATIVE_INFINITY);
      expect(reading(brief, "Sample peak", "dBFS")).toBeGreaterThan(-Infinity);

      const [r, s] = json(controlroom("loudness", silence, short, "--json")).files;
      // JSON has no −Infinity: JSON.stringify writes null.
      expect(r.integratedLufs).toBeNull();
      expect(r.truePeakDbtp).toBeNull();
      expect(r.durationSeconds).toBe(3);
      // Nothing to normalise: no platform changes the gain of silence.
      for (const p of r.platforms) expect([p.playbackGainDb, p.penaltyDb]).toEqual([0, 0]);
      expect(s.durationSeconds).toBe(0.01);
      expect(s.integratedLufs).toBeNull();
      expect(s.maxShortTermLufs).toBeNull();
      // Ten cycles of 997 Hz at 48 kHz come within 0.05 dB of the crest.
      expect(Math.abs(s.samplePeakDbfs - dbfs(SHORT_AMPLITUDE))).toBeLessThan(0.05);
    });

    /** A second of a sine in float, with one bad sample at frame 1000 of the right channel. */
    const holding = (label: string, bad: number) => {
      const left = Float64Array.from({ length: RATE }, (_, i) => 0.1 * Math.sin(i / 10));
      const right = left.slice();
      right[1000] = bad;
      return writeFloatWav(`holds-${label}.wav`, [left, right]);
    };
    const notFinite = (label: string) =>
      new RegExp(
        `^E_AUDIO_NOT_FINITE: holds-${label}\\.wav: channel 2 holds ${label} at frame 1000 `,
      );

    it.each([
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
    ])("refuses a float WAV holding %s, naming the file, channel and frame", async (label, bad) => {
      expectAudioError(controlroom("loudness", await holding(label, bad)), notFinite(label));
    });

    it("names the broken file in compare and in --json too", async () => {
      const broken = await holding("NaN", Number.NaN);
      expectAudioError(controlroom("compare", tone.wav, "--reference", broken), notFinite("NaN"));
      const asJson = controlroom("loudness", broken, "--json");
      expect(asJson.status).toBe(EXIT.audio);
      expect(JSON.parse(asJson.stdout)).toMatchObject({
        ok: false,
        error: { code: "E_AUDIO_NOT_FINITE", subject: "holds-NaN.wav" },
      });
    });

    it.each([
      [
        "a WAV header with 0 channels",
        () => withChannelCount(tone.wav, "no-channels.wav", 0),
        /^E_WAV_HEADER: no-channels\.wav: .*0 channels/,
      ],
      [
        "a WAV header with 32 channels",
        () => withChannelCount(tone.wav, "32-channels.wav", 32),
        /^E_WAV_UNSUPPORTED_FORMAT: 32-channels\.wav has 32 channels/,
      ],
      [
        "a truncated WAV",
        () => {
          const bytes = readFileSync(tone.wav);
          writeFileSync(file("cut.wav"), bytes.subarray(0, bytes.length / 2));
          return file("cut.wav");
        },
        /^E_WAV_TRUNCATED: cut\.wav ends at byte \d+, the header promises \d+/,
      ],
      [
        "a FLAC cut short",
        () => {
          const bytes = readFileSync(tone.flac);
          writeFileSync(file("cut.flac"), bytes.subarray(0, bytes.length / 2));
          return file("cut.flac");
        },
        /^E_AUDIO_TRUNCATED: cut\.flac is cut short: it decodes to \d\.\d\d s of the 5\.00 s its header promises/,
      ],
      ["a missing file", () => file("gone.wav"), /^E_FILE_NOT_FOUND: gone\.wav does not exist/],
      [
        "a file that is not audio",
        () => {
          writeFileSync(file("notes.txt"), "mix notes: more vocal in the chorus\n");
          return file("notes.txt");
        },
        /^E_AUDIO_UNSUPPORTED: notes\.txt is not an audio file/,
      ],
    ])("refuses %s with one line naming it, in loudness and compare", (_, make, line) => {
      const bad = make();
      expectAudioError(controlroom("loudness", bad), line);
      expectAudioError(controlroom("compare", tone.wav, "--reference", bad), line);
    });

    it("refuses a plot format it cannot write before measuring anything", () => {
      for (const args of [
        ["loudness", file("gone.wav"), "--plot", file("curve.jpg")],
        ["compare", file("gone.wav"), "--reference", tone.wav, "--plot", file("curve.jpg")],
      ]) {
        const result = controlroom(...args);
        expect(result.status).toBe(EXIT.usage);
        expect(result.stderr.trim()).toBe(
          "E_PLOT_FORMAT: curve.jpg: plots are written as .svg, or as .png when rsvg-convert is installed",
        );
      }
    });
  });

  describe("compare", () => {
    let pink: string;
    let bright: string;
    let brightVsPink: {
      comparison: ComparisonJson;
      mix: AnalysisJson;
      referenceAnalysis: AnalysisJson;
    };

    beforeAll(() => {
      const run = ffmpeg(
        "-f",
        "lavfi",
        "-i",
        `anoisesrc=r=${RATE}:c=pink:a=0.2:seed=7:d=4`,
        "-ac",
        "2",
        "-c:a",
        "pcm_f32le",
        file("pink.wav"),
      );
      expect(run.status, run.stderr).toBe(0);
      pink = file("pink.wav");
      bright = transcode(pink, "pink-treble.wav", "-af", "treble=g=6", "-c:a", "pcm_f32le");
      brightVsPink = json(controlroom("compare", bright, "--reference", pink, "--json"));
    });

    it("reads a copy 6 dB down as +6 LU (mix − reference), with the same balance in every band", () => {
      const quiet = transcode(pink, "pink-6dB.wav", "-af", "volume=-6dB", "-c:a", "pcm_f32le");
      const { comparison } = json(controlroom("compare", pink, "--reference", quiet, "--json"));
      // compare.ts: every difference is mix − reference.
      expect(Math.abs(comparison.loudnessDifferenceLu - 6)).toBeLessThan(0.01);
      expect(Math.abs(comparison.truePeakDifferenceDb - 6)).toBeLessThan(0.01);
      expect(Math.abs(comparison.loudnessRangeDifferenceLu)).toBeLessThan(0.01);
      expect(Math.abs(comparison.crestFactorDifferenceDb)).toBeLessThan(0.01);
      // Bands are shares of each track's own energy, so a level change moves none of them.
      for (const band of [...comparison.bands, ...comparison.octaves]) {
        expect(Math.abs(band.differenceDb), band.label).toBeLessThan(0.01);
      }
      const text = controlroom("compare", pink, "--reference", quiet);
      expect(text.status, text.stderr).toBe(EXIT.ok);
      expect(row(text.stdout, "Integrated")[2]).toBe("+6.0 LU");
    });

    it("puts two tones' energy in the bands and octaves where their shares say it belongs", () => {
      // Mix: 100 Hz and 10 kHz at the same amplitude, so each holds half the energy.
      // Reference: the 10 kHz tone 6 dB down, holding a quarter of what the 100 Hz tone holds.
      const a = 0.25;
      const mix = generate("two-tones.wav", 3, `${sine(100, a)}+${sine(10_000, a)}`);
      const reference = generate("dull-tones.wav", 3, `${sine(100, a)}+${sine(10_000, a / 2)}`);
      const { comparison } = json(controlroom("compare", mix, "--reference", reference, "--json"));
      const lowShare = 10 * Math.log10(1 / 2) - 10 * Math.log10(1 / 1.25);
      const highShare = 10 * Math.log10(1 / 2) - 10 * Math.log10(0.25 / 1.25);
      const difference = (bands: { label: string; differenceDb: number }[], label: string) =>
        bands.find((b) => b.label === label)!.differenceDb;
      expect(Math.abs(difference(comparison.bands, "Lows (< 250 Hz)") - lowShare)).toBeLessThan(
        0.02,
      );
      expect(Math.abs(difference(comparison.bands, "Highs (> 8 kHz)") - highShare)).toBeLessThan(
        0.02,
      );
      // 100 Hz lies in the 125 Hz octave (88–177 Hz), 10 kHz in the 8 kHz octave (5.7–11.3 kHz).
      expect(Math.abs(difference(comparison.octaves, "125 Hz") - lowShare)).toBeLessThan(0.02);
      expect(Math.abs(difference(comparison.octaves, "8 kHz") - highShare)).toBeLessThan(0.02);
      const loudness =
        stereoSinesLufs([
          [100, a],
          [10_000, a],
        ]) -
        stereoSinesLufs([
          [100, a],
          [10_000, a / 2],
        ]);
      expect(Math.abs(comparison.loudnessDifferenceLu - loudness)).toBeLessThan(0.02);
    });

    it("shows a treble shelf as more highs, and a smaller share for the lows it left alone", () => {
      const { comparison, mix, referenceAnalysis } = brightVsPink;
      const level = (analysis: AnalysisJson, label: string) =>
        analysis.tonalBalance.find((b) => b.label === label)!.levelDb;
      // treble=g=6 raises the top by up to 6 dB and leaves the lows as they were.
      const highs = level(mix, "Highs (> 8 kHz)") - level(referenceAnalysis, "Highs (> 8 kHz)");
      expect(highs).toBeGreaterThan(5);
      expect(highs).toBeLessThanOrEqual(6.05);
      const lows = level(mix, "Lows (< 250 Hz)") - level(referenceAnalysis, "Lows (< 250 Hz)");
      expect(Math.abs(lows)).toBeLessThan(0.1);
      // Shares: the total rose, so the untouched lows lose share by as much as the total gained.
      const [lowsShare, , , highsShare] = comparison.bands.map((b) => b.differenceDb);
      expect(lowsShare).toBeLessThan(-1);
      expect(highsShare).toBeGreaterThan(3);
      expect(Math.abs(highsShare - lowsShare - (highs - lows))).toBeLessThan(0.01);
      // A shelf's gain rises with frequency, and so does each octave's difference.
      const octaves = comparison.octaves.map((b) => b.differenceDb);
      for (let i = 1; i < octaves.length; i++) {
        expect(octaves[i], comparison.octaves[i].label).toBeGreaterThan(octaves[i - 1] - 0.05);
      }
      expect(comparison.loudnessDifferenceLu).toBeGreaterThan(0);
    });

    it("tells a track with a loud and a quiet half from a steady one by loudness range and crest factor", () => {
      const loudDb = -20;
      const quietDb = -30;
      const [a1, a2] = [10 ** (loudDb / 20), 10 ** (quietDb / 20)];
      // The first 4 s at a1, the last 4 s at a2 (sgn(0) = 0 puts one sample between them).
      const envelope = `(${a2}+${a1 - a2}*(1+sgn(4-t))/2)`;
      const dynamic = generate("dynamic.wav", 8, `${envelope}*sin(2*PI*997*t)`);
      const steady = generate("steady.wav", 8, sine(997, a1));
      const { comparison } = json(controlroom("compare", dynamic, "--reference", steady, "--json"));
      // Tech 3342: over a fifth of the short-term values sit on each plateau, so the 10th and
      // 95th percentiles are the two levels and the range is their distance; steady reads 0.
      expect(Math.abs(comparison.loudnessRangeDifferenceLu - (loudDb - quietDb))).toBeLessThan(0.1);
      // BS.1770-5: both halves pass the relative gate, and the blocks across the step average
      // to the mean of the two, so the integrated power is the halves' mean.
      const integrated = 10 * Math.log10((power(loudDb) + power(quietDb)) / 2) - loudDb;
      expect(Math.abs(comparison.loudnessDifferenceLu - integrated)).toBeLessThan(0.05);
      // Crest factor, peak over RMS: both peak at a1; the steady sine's mean square is a1²/2,
      // the stepped one's (a1² + a2²)/4.
      const crest =
        dbfs(a1) - 10 * Math.log10((a1 * a1 + a2 * a2) / 4) - (dbfs(a1) - dbfs(a1 / Math.SQRT2));
      expect(Math.abs(comparison.crestFactorDifferenceDb - crest)).toBeLessThan(0.01);
      expect(Math.abs(comparison.truePeakDifferenceDb)).toBeLessThan(0.05);
    });

    it("prints loudness, range, crest factor, the four bands and every octave, as --json has them", () => {
      const { comparison, mix, referenceAnalysis } = brightVsPink;
      const text = controlroom("compare", bright, "--reference", pink);
      expect(text.status, text.stderr).toBe(EXIT.ok);
      expect(
        text.stdout
          .split("\n")[0]
          .trim()
          .split(/\s{3,}/),
      ).toEqual([path.basename(bright), path.basename(pink), "difference"]);
      const rows: [string, number, number, number][] = [
        [
          "Integrated",
          mix.loudness.integratedLufs,
          referenceAnalysis.loudness.integratedLufs,
          comparison.loudnessDifferenceLu,
        ],
        [
          "Loudness range",
          mix.loudness.loudnessRangeLu,
          referenceAnalysis.loudness.loudnessRangeLu,
          comparison.loudnessRangeDifferenceLu,
        ],
        [
          "Crest factor",
          mix.crestFactorDb,
          referenceAnalysis.crestFactorDb,
          comparison.crestFactorDifferenceDb,
        ],
        ...comparison.bands.map((b): [string, number, number, number] => [
          b.label,
          b.mixDb,
          b.referenceDb,
          b.differenceDb,
        ]),
        ...comparison.octaves.map((b): [string, number, number, number] => [
          `${b.label} octave`,
          b.mixDb,
          b.referenceDb,
          b.differenceDb,
        ]),
      ];
      expect(comparison.octaves).toHaveLength(10);
      for (const [label, ours, theirs, difference] of rows) {
        const cells = row(text.stdout, label);
        expect(cells, label).toHaveLength(3);
        cells.forEach((cell, i) => {
          expectPrinted(cellValue(cell), [ours, theirs, difference][i]);
        });
      }
      expect(row(text.stdout, "Highs (> 8 kHz)")[2]).toMatch(/^\+/);
      expect(row(text.stdout, "Key")).toHaveLength(2);
      expect(row(text.stdout, "Tempo")).toHaveLength(2);
    });

    it("draws both spectra on one chart, SVG or PNG, and says where it is", () => {
      const svg = file("spectra.svg");
      const result = controlroom("compare", bright, "--reference", pink, "--plot", svg);
      expect(result.status, result.stderr).toBe(EXIT.ok);
      expect(result.stdout).toContain(`plot: ${svg}`);
      expectChart(svg, ["pink-treble.wav", "pink.wav (reference)"]);
      if (!haveRsvg) return;
      const png = file("spectra.png");
      const asPng = controlroom("compare", bright, "--reference", pink, "--plot", png, "--json");
      expect(json(asPng).plot).toBe(png);
      expect(pngSize(png)).toEqual(svgSize(svg));
    });

    it("compares silence with sound: −inf LU quieter, and no crest factor to compare", () => {
      const silence = generate("quiet-room.wav", 3, "0");
      const text = controlroom("compare", silence, "--reference", tone.wav);
      expect(text.status, text.stderr).toBe(EXIT.ok);
      expect(row(text.stdout, "Integrated")).toEqual([
        "-inf LUFS",
        expect.stringMatching(/ LUFS$/),
        "-inf LU",
      ]);
      expect(row(text.stdout, "Crest factor")[2]).toBe("n/a");
      expect(row(text.stdout, "Lows (< 250 Hz)")[2]).toBe("mix empty");
    });
  });
});

interface LoudnessJson {
  file: string;
  codec: string;
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
  maxMomentaryLufs: number;
  maxShortTermLufs: number;
  sampleRate: number;
  channels: number;
  platforms: { name: string; targetLufs: number; playbackGainDb: number; penaltyDb: number }[];
}

interface BandJson {
  label: string;
  mixDb: number;
  referenceDb: number;
  differenceDb: number;
}

interface ComparisonJson {
  loudnessDifferenceLu: number;
  loudnessRangeDifferenceLu: number;
  crestFactorDifferenceDb: number;
  truePeakDifferenceDb: number;
  bands: BandJson[];
  octaves: BandJson[];
}

interface AnalysisJson {
  loudness: { integratedLufs: number; loudnessRangeLu: number };
  crestFactorDb: number;
  tonalBalance: { label: string; levelDb: number }[];
}
