import path from "node:path";
import { exportDawproject } from "../../formats/dawproject/node/export-file.ts";
import { describeChange } from "../../formats/dawproject/round-trip.ts";
import { exportMidiFile } from "../../formats/midi/node/import-midi-file.ts";
import { writeFileAtomic } from "../../formats/node/pending-file.ts";
import { loadProjectFolder } from "../../formats/node/project-folder.ts";
import { chordSheet } from "../../music/chordpro.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { EXPORT_FORMATS, help } from "../help/export.ts";

/** What each kind of file is made from a project folder; the extension of -o chooses. */
const EXPORTERS: Record<
  string,
  { what: string; write(dir: string, file: string): Promise<string> }
> = {
  ".dawproject": { what: EXPORT_FORMATS[".dawproject"], write: writeDawproject },
  ".mid": { what: EXPORT_FORMATS[".mid"], write: writeMidi },
  ".midi": { what: EXPORT_FORMATS[".midi"], write: writeMidi },
  ".cho": { what: EXPORT_FORMATS[".cho"], write: writeChordSheet },
  ".chordpro": { what: EXPORT_FORMATS[".chordpro"], write: writeChordSheet },
};

export const exportCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("export", argv, {
      output: { type: "string", short: "o" },
    });
    const dir = requirePositional("export", positionals, "<dir>");
    const file = requirePositional(
      "export",
      values.output === undefined ? [] : [values.output],
      "-o <file>",
    );
    const exporter = EXPORTERS[path.extname(file).toLowerCase()];
    if (!exporter) {
      throw new ControlRoomError(
        "E_USAGE",
        `export: ${path.basename(file)}: choose a file ending in ${Object.keys(EXPORTERS).join(", ")}`,
        "-o",
      );
    }
    console.log(await exporter.write(dir, file));
    return EXIT.ok;
  },
};

async function writeMidi(dir: string, file: string): Promise<string> {
  const project = await loadProjectFolder(dir);
  exportMidiFile(project, file);
  const tracks = project.tracks.filter((t) => t.kind === "instrument").length;
  return `wrote ${file}: ${tracks} instrument tracks and the tempo map of "${project.song.title}"`;
}

async function writeDawproject(dir: string, file: string): Promise<string> {
  const report = await exportDawproject(dir, file);
  return [
    `wrote ${file}: ${report.tracks} tracks, ${report.files.length} files inside`,
    ...report.lost.map((lost) => `  not carried by DAWproject: ${lost}`),
    ...(report.changes.length === 0
      ? []
      : [
          `  an import of it gives back ${report.changes.length} settings differently:`,
          ...report.changes.map((change) => `    ${describeChange(change)}`),
        ]),
  ].join("\n");
}

async function writeChordSheet(dir: string, file: string): Promise<string> {
  const project = await loadProjectFolder(dir);
  writeFileAtomic(file, new TextEncoder().encode(chordSheet(project)));
  return `wrote ${file}: the chord sheet of "${project.song.title}", ${project.chords.length} chords`;
}
