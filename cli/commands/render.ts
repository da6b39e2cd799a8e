import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { masterToProfile } from "../../engine/node/master.ts";
import { type RenderReport, renderProject } from "../../engine/node/render-project.ts";
import type { OutputBitDepth, OutputFormat } from "../../formats/node/open-writer.ts";
import { loadProjectFolder } from "../../formats/node/project-folder.ts";
import { MAX_RENDER_TAIL_SECONDS, songSeconds } from "../../jobs/requests.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import { deliveryProfile } from "../../production/delivery/profiles.ts";
import { type Command, optionalInteger, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { clock } from "../format-table.ts";
import { help } from "../help/render.ts";
import { progressBar } from "../progress.ts";
import { parseTimeArgument } from "../time-argument.ts";
import { describeMasters } from "./master.ts";

export const renderCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("render", argv, {
      output: { type: "string", short: "o" },
      format: { type: "string" },
      "bit-depth": { type: "string" },
      "sample-rate": { type: "string" },
      stems: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      threads: { type: "string" },
      "block-size": { type: "string" },
      master: { type: "string" },
      json: { type: "boolean" },
    });
    const dir = requirePositional("render", positionals, "<dir>");
    const output = requirePositional(
      "render",
      values.output === undefined ? [] : [values.output],
      "-o <file>",
    );
    const profile = values.master === undefined ? null : deliveryProfile(values.master);
    if (profile) {
      for (const flag of ["format", "bit-depth", "sample-rate", "stems"] as const) {
        if (values[flag] !== undefined) {
          throw new ControlRoomError(
            "E_USAGE",
            `render: --${flag} cannot be combined with --master, which takes it from the profile`,
            `--${flag}`,
          );
        }
      }
    }
    const format = parseFormat(values.format, output);
    const bitDepth = parseBitDepth(values["bit-depth"], format);
    const project = await loadProjectFolder(dir);
    const tempo = new TempoMap(project.tempo);
    const time = (flag: "start" | "end") => {
      const text = values[flag];
      return text === undefined
        ? undefined
        : { text, seconds: parseTimeArgument(text, `--${flag}`, tempo) };
    };
    const start = time("start");
    const end = time("end");
    checkRange(project, start, end);
    const progress = progressBar(`rendering ${path.basename(output)}`, !values.json);
    let report: RenderReport;
    const work = profile ? await mkdtemp(path.join(tmpdir(), "controlroom-render-")) : null;
    const mixFile = work ? path.join(work, "mix.wav") : output;
    try {
      report = await renderProject(dir, project, {
        output: mixFile,
        format,
        bitDepth,
        sampleRate: optionalInteger(values["sample-rate"], "--sample-rate", 8000, 384_000),
        stemsDir: values.stems,
        startSeconds: start?.seconds,
        endSeconds: end?.seconds,
        threads: optionalInteger(values.threads, "--threads", 0, 64),
        blockFrames: optionalInteger(values["block-size"], "--block-size", 16, 8192),
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.stop();
      if (profile && work) {
        const mastering = progressBar(`mastering for ${profile.name}`, !values.json);
        const master = await masterToProfile(mixFile, profile, output, (f) =>
          mastering.update(Math.round(f * 1000), 1000),
        ).finally(() => mastering.stop());
        if (values.json)
          console.log(JSON.stringify({ ok: master.pass, render: report, master }, null, 2));
        else console.log(describeMasters([master]));
        return master.pass ? EXIT.ok : EXIT.output;
      }
    } finally {
      progress.stop();
      if (work) await rm(work, { recursive: true, force: true });
    }
    if (values.json) console.log(JSON.stringify({ ok: true, ...report }, null, 2));
    else console.log(describeRender(report));
    return EXIT.ok;
  },
};

export function describeRender(r: RenderReport): string {
  const db = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} dBFS` : "-inf dBFS");
  const lines = [
    `wrote ${r.output ?? "(nothing: measured only)"}`,
    `  ${r.format.toUpperCase()} ${r.bitDepth === "32f" ? "32-bit float" : `${r.bitDepth}-bit`}, ${r.sampleRate} Hz, stereo, ${r.seconds.toFixed(3)} s from ${r.startSeconds.toFixed(3)} s`,
    `  peak  L ${db(r.levels.peakDb[0])}  R ${db(r.levels.peakDb[1])}`,
    `  RMS   L ${db(r.levels.rmsDb[0])}  R ${db(r.levels.rmsDb[1])}`,
    `  rendered in ${r.renderSeconds.toFixed(2)} s (${r.realtimeFactor.toFixed(1)}× realtime, ${r.threads} worker thread${r.threads === 1 ? "" : "s"})`,
  ];
  for (const stem of r.stems) lines.push(`  stem ${stem}`);
  return lines.join("\n");
}

function parseFormat(text: string | undefined, output: string): OutputFormat {
  const extension = path.extname(output).slice(1).toLowerCase();
  const value = text ?? extension;
  if (value === "wav" || value === "flac" || value === "mp3") return value;
  if (text === undefined && extension === "") return "wav";
  if (text === undefined) {
    throw new ControlRoomError(
      "E_USAGE",
      `render cannot write .${extension} files (${path.basename(output)}): it writes wav, flac and mp3; name the output .wav, .flac or .mp3`,
      "-o",
    );
  }
  throw new ControlRoomError(
    "E_USAGE",
    `--format "${text}" is not one of wav, flac, mp3`,
    "--format",
  );
}

/**
 * Refuses a range the song does not reach, with the song's length: a start after its end,
 * or an end further past it than a tail needs (the rule the studio's render jobs follow).
 */
export function checkRange(
  project: Project,
  start: { seconds: number; text: string } | undefined,
  end: { seconds: number; text: string } | undefined,
): void {
  const length = songSeconds(project);
  const song = `"${project.song.title}" is ${clock(length)} long`;
  if (start !== undefined && start.seconds > 0 && start.seconds >= length) {
    throw new ControlRoomError(
      "E_USAGE",
      `--start ${start.text} (${clock(start.seconds)}) is past the end of the song: ${song}`,
      "--start",
    );
  }
  if (end !== undefined && end.seconds > length + MAX_RENDER_TAIL_SECONDS) {
    throw new ControlRoomError(
      "E_USAGE",
      `--end ${end.text} (${clock(end.seconds)}) is more than ${MAX_RENDER_TAIL_SECONDS} s past the end of the song: ${song}`,
      "--end",
    );
  }
}

function parseBitDepth(text: string | undefined, format: OutputFormat): OutputBitDepth {
  if (text === undefined) return format === "mp3" ? 16 : 24;
  if (text === "16") return 16;
  if (text === "24") return 24;
  if (text === "32f") return "32f";
  throw new ControlRoomError(
    "E_USAGE",
    `--bit-depth "${text}" is not one of 16, 24, 32f`,
    "--bit-depth",
  );
}
