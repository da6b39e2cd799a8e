import path from "node:path";
import { importDawproject } from "../../formats/dawproject/node/import-file.ts";
import { importMidiFile } from "../../formats/midi/node/import-midi-file.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help, IMPORT_FORMATS } from "../help/import.ts";

interface Imported {
  project: Project;
  /** What a reader should know: what was kept, mapped or could not come across. */
  notes: string[];
}

/** What reads each kind of file into a new project folder; the file's extension chooses. */
const IMPORTERS: Record<
  string,
  { what: string; read(file: string, dir: string): Promise<Imported> }
> = {
  ".mid": { what: IMPORT_FORMATS[".mid"], read: readMidi },
  ".midi": { what: IMPORT_FORMATS[".midi"], read: readMidi },
  ".dawproject": { what: IMPORT_FORMATS[".dawproject"], read: readDawproject },
};

export const importCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("import", argv, { json: { type: "boolean" } });
    const file = requirePositional("import", positionals, "<file>");
    const dir = requirePositional("import", positionals, "<dir>", 1);
    const importer = IMPORTERS[path.extname(file).toLowerCase()];
    if (!importer) {
      throw new ControlRoomError(
        "E_USAGE",
        `import: ${path.basename(file)}: Control Room imports ${Object.keys(IMPORTERS).join(", ")} files`,
        "<file>",
      );
    }
    const { project, notes } = await importer.read(file, dir);
    const noteClips = project.tracks.flatMap((t) => t.noteClips);
    const summary = {
      dir,
      title: project.song.title,
      tracks: project.tracks.length,
      audioClips: project.tracks.reduce((n, t) => n + t.clips.length, 0),
      noteClips: noteClips.length,
      notes: noteClips.reduce((n, c) => n + c.notes.length, 0),
      sections: project.sections.length,
      tempoChanges: project.tempo.changes.length,
      notesOnImport: notes,
    };
    if (values.json) {
      console.log(JSON.stringify({ ok: true, ...summary }, null, 2));
      return EXIT.ok;
    }
    console.log(
      `imported ${path.basename(file)} into ${dir}: "${summary.title}", ${summary.tracks} tracks, ${summary.audioClips} audio clips, ${summary.noteClips} note clips with ${summary.notes} notes, ${summary.sections} sections, ${summary.tempoChanges} tempo changes`,
    );
    for (const note of notes) console.log(`  ${note}`);
    return EXIT.ok;
  },
};

async function readMidi(file: string, dir: string): Promise<Imported> {
  return { project: await importMidiFile(file, dir), notes: [] };
}

async function readDawproject(file: string, dir: string): Promise<Imported> {
  const { project, report } = await importDawproject(file, dir);
  return {
    project,
    notes: [
      `from ${report.application || "an unnamed application"}`,
      ...report.mappedDevices.map(
        (d) => `${d.name} (${d.kind}) on ${d.owner} plays as our ${d.onto}`,
      ),
      ...report.keptDevices.map(
        (d) => `${d.name} (${d.kind}) on ${d.owner} is kept but does not play here`,
      ),
      ...report.warnings,
    ],
  };
}
