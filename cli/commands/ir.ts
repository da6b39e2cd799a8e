import path from "node:path";
import { bandLabel } from "../../acoustics/bands.ts";
import type {
  BandParameters,
  DecayParameter,
} from "../../acoustics/measurement/room-parameters.ts";
import { exponentialSweep } from "../../acoustics/measurement/sweep.ts";
import { measureRoomFiles, writeSweepFile } from "../../acoustics/node/room-files.ts";
import { decayChartSvg } from "../../acoustics/plot/decay-chart.ts";
import { plotFormat, writePlot } from "../../analysis/node/write-plot.ts";
import { spectrumPlotSvg } from "../../analysis/plot/spectrum-plot.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { db, table } from "../format-table.ts";
import { help } from "../help/ir.ts";

export const irCommand: Command = {
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "sweep") return sweep(rest);
    if (sub === "analyze" || sub === "analyse") return analyze(rest);
    throw new ControlRoomError(
      "E_USAGE",
      `ir: ${sub === undefined ? "say what to do" : `unknown subcommand "${sub}"`}: sweep, analyze; see controlroom ir --help`,
      "ir",
    );
  },
};

function number(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new ControlRoomError("E_USAGE", `${flag} "${text}" is not a number`, flag);
  return value;
}

async function sweep(argv: string[]): Promise<number> {
  const { values } = parseCommandLine("ir sweep", argv, {
    output: { type: "string", short: "o" },
    seconds: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    rate: { type: "string" },
    silence: { type: "string" },
    json: { type: "boolean" },
  });
  const output = requirePositional(
    "ir sweep",
    values.output === undefined ? [] : [values.output],
    "-o <sweep.wav>",
  );
  if (path.extname(output).toLowerCase() !== ".wav") {
    throw new ControlRoomError(
      "E_USAGE",
      `ir sweep: ${path.basename(output)}: the sweep is written as .wav`,
      "-o",
    );
  }
  const sampleRate = number(values.rate, "--rate", 48_000);
  if (![44_100, 48_000, 88_200, 96_000, 192_000].includes(sampleRate)) {
    throw new ControlRoomError(
      "E_USAGE",
      `--rate ${sampleRate}: give 44100, 48000, 88200, 96000 or 192000`,
      "--rate",
    );
  }
  const silenceSeconds = number(values.silence, "--silence", 3);
  if (!(silenceSeconds >= 0 && silenceSeconds <= 30)) {
    throw new ControlRoomError(
      "E_USAGE",
      `--silence ${silenceSeconds}: give 0 to 30 seconds`,
      "--silence",
    );
  }
  const s = exponentialSweep({
    sampleRate,
    seconds: number(values.seconds, "--seconds", 10),
    fromHz: number(values.from, "--from", 20),
    toHz: number(values.to, "--to", 20_000),
    silenceSeconds,
  });
  await writeSweepFile(output, s);
  const summary = {
    file: output,
    sampleRate,
    sweepSeconds: s.sweepFrames / sampleRate,
    silenceSeconds,
    fromHz: s.fromHz,
    toHz: s.toHz,
    peakDbfs: -6,
  };
  if (values.json) console.log(JSON.stringify({ ok: true, ...summary }, null, 2));
  else {
    console.log(
      `${output}: ${summary.sweepSeconds} s sweep from ${s.fromHz} Hz to ${s.toHz} Hz at ${sampleRate} Hz, peak -6 dBFS, then ${silenceSeconds} s of silence`,
    );
    console.log(
      `Play it at the listening level, record it at the listening position from before it starts to its end, then:\n  controlroom ir analyze <recording> --sweep ${output}${s.fromHz !== 20 || s.toHz !== 20_000 ? ` --from ${s.fromHz} --to ${s.toHz}` : ""}`,
    );
  }
  return EXIT.ok;
}

function sideFile(plot: string, suffix: string): string {
  const ext = path.extname(plot);
  return path.join(path.dirname(plot), `${path.basename(plot, ext)}-${suffix}${ext}`);
}

function cell(p: DecayParameter): string {
  if (p.seconds === null) return "n/a";
  return `${p.seconds.toFixed(2)} s${p.reliable ? "" : " ?"}`;
}

async function analyze(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("ir analyze", argv, {
    sweep: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    json: { type: "boolean" },
    plot: { type: "string" },
  });
  const recording = requirePositional("ir analyze", positionals, "<recording>");
  const sweepFile = requirePositional(
    "ir analyze",
    values.sweep === undefined ? [] : [values.sweep],
    "--sweep <sweep.wav>",
  );
  if (values.plot !== undefined) plotFormat(values.plot);
  const fromHz = number(values.from, "--from", 20);
  const toHz = number(values.to, "--to", 20_000);
  const m = await measureRoomFiles(recording, sweepFile, { fromHz, toHz });
  const p = m.parameters;
  const rows: BandParameters[] = [...p.bands, p.broadband];
  let responsePlot: string | null = null;
  if (values.plot !== undefined) {
    await writePlot(
      values.plot,
      decayChartSvg({
        title: `Decay: ${path.basename(recording)}`,
        curves: rows.map((b) => ({
          label: b.band === "broadband" ? "broadband" : bandLabel(b.band),
          db: b.decayDb,
        })),
      }),
    );
    responsePlot = sideFile(values.plot, "response");
    await writePlot(
      responsePlot,
      spectrumPlotSvg({
        title: `Frequency response: ${path.basename(recording)} (1/6 octave)`,
        frequencies: m.frequencyResponse.frequencies,
        series: [{ label: "response", db: m.frequencyResponse.db }],
        yLabel: "Level (dB)",
      }),
    );
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          ok: true,
          recording,
          sweep: sweepFile,
          sampleRate: p.sampleRate,
          onsetSeconds: p.onsetSeconds,
          impulseSeconds: p.lengthSeconds,
          bands: p.bands,
          broadband: p.broadband,
          frequencyResponse: m.frequencyResponse,
          plots: values.plot === undefined ? null : { decay: values.plot, response: responsePlot },
        },
        (_, v) => (v === Number.NEGATIVE_INFINITY ? null : v),
        2,
      ),
    );
    return EXIT.ok;
  }
  console.log(
    `${recording}: ${p.sampleRate} Hz${m.channels > 1 ? `, first of ${m.channels} channels` : ""}; impulse response ${p.lengthSeconds.toFixed(2)} s, direct sound at ${(p.onsetSeconds * 1000).toFixed(1)} ms`,
  );
  console.log("");
  console.log(
    table(
      ["Band", "EDT", "T20", "T30", "C50", "C80", "noise floor", "reliable"],
      rows.map((b) => [
        b.band === "broadband" ? "broadband" : bandLabel(b.band),
        cell(b.edt),
        cell(b.t20),
        cell(b.t30),
        b.c50Db === null ? "n/a" : db(b.c50Db, "dB"),
        b.c80Db === null ? "n/a" : db(b.c80Db, "dB"),
        Number.isFinite(b.noiseFloorDb) ? db(b.noiseFloorDb, "dB") : "below decay",
        b.reliable ? "yes" : "no",
      ]),
    ),
  );
  const problems = rows.flatMap((b) =>
    [...b.edt.problems, ...b.t20.problems, ...b.t30.problems].map(
      (text) => `  ${b.band === "broadband" ? "broadband" : bandLabel(b.band)}: ${text}`,
    ),
  );
  if (problems.length > 0) {
    console.log("");
    console.log("  ? marks a reading outside ISO 3382's margins:");
    for (const line of [...new Set(problems)]) console.log(line);
  }
  if (values.plot !== undefined) console.log(`\nplots: ${values.plot}, ${responsePlot}`);
  return EXIT.ok;
}
