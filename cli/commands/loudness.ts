import path from "node:path";
import type { LoudnessReport } from "../../analysis/loudness/loudness-meter.ts";
import { measureLoudnessFile } from "../../analysis/node/measure-file.ts";
import { plotFormat, writePlot } from "../../analysis/node/write-plot.ts";
import { loudnessPlotSvg } from "../../analysis/plot/loudness-plot.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { checkAllPlatforms, type PlatformCheck } from "../../production/delivery/platform-check.ts";
import { type Command, parseCommandLine } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { clock, db, signedDb, table } from "../format-table.ts";
import { help } from "../help/loudness.ts";
import { progressBar } from "../progress.ts";

export const loudnessCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("loudness", argv, {
      json: { type: "boolean" },
      plot: { type: "string" },
      target: { type: "string" },
    });
    if (positionals.length === 0) {
      throw new ControlRoomError("E_USAGE", "loudness: name at least one audio file", "<file>");
    }
    const target = values.target === undefined ? -14 : Number(values.target);
    if (!Number.isFinite(target)) {
      throw new ControlRoomError(
        "E_USAGE",
        `--target "${values.target}" is not a number of LUFS`,
        "--target",
      );
    }
    if (values.plot !== undefined) plotFormat(values.plot);
    const results = [];
    const plots = new Set<string>();
    for (const file of positionals) {
      const progress = progressBar(`measuring ${path.basename(file)}`, !values.json);
      const measured = await measureLoudnessFile(file, {
        keepSeries: values.plot !== undefined,
        onProgress: (done, total) => progress.update(done, total),
      }).finally(() => progress.stop());
      const platforms = checkAllPlatforms(measured.report);
      let plot: string | null = null;
      if (values.plot !== undefined && measured.series) {
        plot = plotPath(values.plot, file, positionals.length, plots);
        await writePlot(
          plot,
          loudnessPlotSvg({
            ...measured.series,
            targetLufs: target,
            ceilingDbtp: -1,
            title: `${path.basename(file)}: ${db(measured.report.integratedLufs, "LUFS")} integrated`,
          }),
        );
      }
      results.push({ file, codec: measured.codec, ...measured.report, platforms, plot });
      if (!values.json) console.log(describe(file, measured.report, platforms, plot));
    }
    if (values.json) console.log(JSON.stringify({ ok: true, files: results }, null, 2));
    return EXIT.ok;
  },
};

/**
 * With several files, each plot is named after its file; two files of the same name (from
 * different folders, or the same file twice) get -2, -3 … rather than overwriting each other.
 */
function plotPath(plot: string, file: string, count: number, taken: Set<string>): string {
  if (count === 1) return plot;
  const extension = path.extname(plot) || ".svg";
  const stem = path.join(
    path.dirname(plot),
    `${path.basename(plot, extension)}-${path.basename(file, path.extname(file))}`,
  );
  let candidate = `${stem}${extension}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}${extension}`;
  taken.add(candidate);
  return candidate;
}

export function describe(
  file: string,
  r: LoudnessReport,
  platforms: PlatformCheck[],
  plot: string | null,
): string {
  const lines = [
    `${file}  (${r.sampleRate} Hz, ${r.channels} ch, ${clock(r.durationSeconds)})`,
    pair("Integrated", db(r.integratedLufs, "LUFS"), "Loudness range", db(r.loudnessRangeLu, "LU")),
    pair("True peak", db(r.truePeakDbtp, "dBTP"), "Sample peak", db(r.samplePeakDbfs, "dBFS")),
    pair(
      "Max momentary",
      db(r.maxMomentaryLufs, "LUFS"),
      "Max short-term",
      db(r.maxShortTermLufs, "LUFS"),
    ),
    "",
    table(
      ["Platform", "target", "playback gain", "penalty", "true peak"],
      platforms.map((p) => [
        p.name,
        p.targetLufs === null ? "-" : `${p.targetLufs} LUFS`,
        signedDb(p.playbackGainDb),
        p.penaltyDb > 0 ? `${p.penaltyDb.toFixed(1)} dB` : "none",
        p.clipsAfterGain ? "clips after gain" : p.truePeakOverCeiling ? "over ceiling" : "ok",
      ]),
    ),
  ];
  if (plot) lines.push("", `plot: ${plot}`);
  return lines.join("\n");
}

function pair(a: string, av: string, b: string, bv: string): string {
  return `  ${a.padEnd(14)} ${av.padStart(11)}     ${b.padEnd(15)} ${bv.padStart(10)}`;
}
