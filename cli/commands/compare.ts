import path from "node:path";
import { type BandDifference, compareToReference } from "../../analysis/compare.ts";
import { analyzeFile } from "../../analysis/node/analyze-file.ts";
import { plotFormat, writePlot } from "../../analysis/node/write-plot.ts";
import { spectrumPlotSvg } from "../../analysis/plot/spectrum-plot.ts";
import { namingFile } from "../../music/errors.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { db, signedDb, table } from "../format-table.ts";
import { help } from "../help/compare.ts";
import { progressBar } from "../progress.ts";

export const compareCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("compare", argv, {
      reference: { type: "string" },
      plot: { type: "string" },
      json: { type: "boolean" },
    });
    const file = requirePositional("compare", positionals, "<file>");
    const referenceFile = requirePositional(
      "compare",
      values.reference === undefined ? [] : [values.reference],
      "--reference <file>",
    );
    if (values.plot !== undefined) plotFormat(values.plot);
    const analyse = async (f: string) => {
      const progress = progressBar(`analysing ${path.basename(f)}`, !values.json);
      return analyzeFile(f, { onProgress: (done, total) => progress.update(done, total) })
        .catch((error: unknown) => {
          throw namingFile(error, path.basename(f));
        })
        .finally(() => progress.stop());
    };
    const mix = await analyse(file);
    const reference = await analyse(referenceFile);
    const comparison = compareToReference(mix, reference);
    if (values.plot !== undefined) {
      await writePlot(
        values.plot,
        spectrumPlotSvg({
          frequencies: mix.spectrum.frequencies,
          series: [
            { label: path.basename(file), db: mix.spectrum.db },
            { label: `${path.basename(referenceFile)} (reference)`, db: reference.spectrum.db },
          ],
          title: "Average spectrum",
        }),
      );
    }
    if (values.json) {
      console.log(
        JSON.stringify(
          {
            ok: true,
            file,
            reference: referenceFile,
            mix,
            referenceAnalysis: reference,
            comparison,
            plot: values.plot ?? null,
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    const name = path.basename(file);
    const ref = path.basename(referenceFile);
    console.log(
      table(
        ["", name, ref, "difference"],
        [
          [
            "Integrated",
            db(mix.loudness.integratedLufs, "LUFS"),
            db(reference.loudness.integratedLufs, "LUFS"),
            signedDb(comparison.loudnessDifferenceLu, "LU"),
          ],
          [
            "Loudness range",
            db(mix.loudness.loudnessRangeLu, "LU"),
            db(reference.loudness.loudnessRangeLu, "LU"),
            signedDb(comparison.loudnessRangeDifferenceLu, "LU"),
          ],
          [
            "Crest factor",
            db(mix.crestFactorDb, "dB"),
            db(reference.crestFactorDb, "dB"),
            signedDb(comparison.crestFactorDifferenceDb, "dB"),
          ],
          ...comparison.bands.map((b) => [
            b.label,
            db(b.mixDb, "dB"),
            db(b.referenceDb, "dB"),
            bandDifference(b),
          ]),
          ...comparison.octaves.map((b) => [
            `${b.label} octave`,
            db(b.mixDb, "dB"),
            db(b.referenceDb, "dB"),
            bandDifference(b),
          ]),
          ["Key", describeKey(mix.key), describeKey(reference.key), ""],
          ["Tempo", describeTempo(mix.tempo), describeTempo(reference.tempo), ""],
        ],
        "",
      ),
    );
    const empty = [
      ...comparison.bands,
      ...comparison.octaves.map((b) => ({ ...b, label: `${b.label} octave` })),
    ]
      .filter(
        (b) => b.referenceDb === Number.NEGATIVE_INFINITY && b.mixDb !== Number.NEGATIVE_INFINITY,
      )
      .map((b) => b.label);
    if (empty.length > 0) {
      console.log(
        `\n${ref} has nothing in ${empty.join(", ")}: there is no level there to match, so no difference is given (a reference made at a lower sample rate, or filtered, leaves the top empty).`,
      );
    }
    if (values.plot !== undefined) console.log(`\nplot: ${values.plot}`);
    return EXIT.ok;
  },
};

/** A band's difference, or why there is none: a band one side does not have cannot be matched. */
function bandDifference(b: BandDifference): string {
  const mixEmpty = b.mixDb === Number.NEGATIVE_INFINITY;
  const referenceEmpty = b.referenceDb === Number.NEGATIVE_INFINITY;
  if (mixEmpty && referenceEmpty) return "both empty";
  if (referenceEmpty) return "reference empty";
  if (mixEmpty) return "mix empty";
  return signedDb(b.differenceDb, "dB");
}

function describeKey(key: { name: string; confidence: number } | null | undefined): string {
  return key ? `${key.name} (${Math.round(key.confidence * 100)} %)` : "n/a";
}

function describeTempo(tempo: { bpm: number; confidence: number } | null | undefined): string {
  return tempo ? `${tempo.bpm.toFixed(1)} BPM (${Math.round(tempo.confidence * 100)} %)` : "n/a";
}
