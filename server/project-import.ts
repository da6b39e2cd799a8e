import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileTypeFromFile } from "file-type";
import { type ArchiveLimits, DawprojectArchive } from "../formats/dawproject/archive.ts";
import { importDawproject } from "../formats/dawproject/node/import-file.ts";
import { importMidiFile } from "../formats/midi/node/import-midi-file.ts";
import { type AudioFacts, probeAudioFile } from "../formats/node/probe-audio.ts";
import { PROJECT_FILE } from "../formats/node/project-folder.ts";
import { ControlRoomError, isControlRoomError } from "../music/errors.ts";
import type { Project } from "../music/project.ts";
import { parseProject } from "../music/validate.ts";
import { checkFileName } from "../store/files.ts";
import { projectFileNames } from "./project-files.ts";
import { checkSourceMatches } from "./source-check.ts";

/**
 * A project made from another tool's file, or from a CLI project folder, before anything of it
 * is stored: the uploaded file is read by the importer the CLI uses into a folder of its own,
 * and every file the document plays is checked there (each name a plain project name, each
 * source's rate, channels and length those of its file). Only a project that passes all of
 * this is handed to the store, in one transaction; a refused one leaves nothing.
 */

export const IMPORT_FORMATS = ["dawproject", "midi", "folder"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What an import brought in and what a reader should know about it. */
export interface ImportReport {
  format: ImportFormat;
  /** The application that wrote a DAWproject. */
  application: string | null;
  tracks: number;
  audioClips: number;
  noteClips: number;
  notes: number;
  sections: number;
  tempoChanges: number;
  /** The project files it brought, by name. */
  files: string[];
  /** Devices that play here as our own (a DAWproject's EQ, compressor, limiter). */
  mapped: string[];
  /** Devices kept in the document for a later export, which do not play here. */
  kept: string[];
  /** What did not come across exactly, or was left out, one sentence each. */
  warnings: string[];
}

/** A file of the imported project, on disk in the import's folder. */
export interface ImportedFile {
  name: string;
  path: string;
  mediaType: string;
  /** What it holds as audio, when a source plays it. */
  audio: AudioFacts | null;
}

export interface ImportedProject {
  document: Project;
  files: ImportedFile[];
  report: ImportReport;
}

/**
 * What an archive may hold: fewer entries and smaller inflated sizes than the CLI allows,
 * since a server reads what strangers send (zip bombs stop at these, not at what they would
 * expand to).
 */
export const IMPORT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 5_000,
  maxEntryBytes: 512 * 1024 ** 2,
  maxTotalBytes: 2 * 1024 ** 3,
};

/** The name the uploaded file is read under: the title (made a plain name) or a default. */
export function uploadName(format: ImportFormat, title: string | undefined): string {
  const extension = { dawproject: ".dawproject", midi: ".mid", folder: ".zip" }[format];
  const base =
    (title ?? "")
      .replace(/[^\p{L}\p{N}._ -]+/gu, "_")
      .replace(/^[.\s]+/, "")
      .slice(0, 100)
      .trim() || "import";
  return `${base}${extension}`;
}

/**
 * Reads an uploaded file (`file`, already on disk) into a project in `work`, an empty folder
 * the caller removes afterwards.
 */
export async function importProjectFile(
  format: ImportFormat,
  file: string,
  work: string,
): Promise<ImportedProject> {
  const imported =
    format === "dawproject"
      ? await fromDawproject(file, work)
      : format === "midi"
        ? await fromMidi(file, work)
        : await fromFolderArchive(file, work);
  const files = await describeFiles(imported.document, work);
  return {
    document: imported.document,
    files,
    report: {
      format,
      application: imported.application,
      ...counts(imported.document),
      files: files.map((f) => f.name),
      mapped: imported.mapped,
      kept: imported.kept,
      warnings: imported.warnings,
    },
  };
}

interface Read {
  document: Project;
  application: string | null;
  mapped: string[];
  kept: string[];
  warnings: string[];
}

async function fromDawproject(file: string, work: string): Promise<Read> {
  const { project, report } = await importDawproject(file, work, {
    archiveLimits: IMPORT_ARCHIVE_LIMITS,
  });
  return {
    document: project,
    application: report.application || null,
    mapped: report.mappedDevices.map(
      (d) => `${d.name} (${d.kind}) on ${d.owner} plays as our ${d.onto}`,
    ),
    kept: report.keptDevices.map(
      (d) => `${d.name} (${d.kind}) on ${d.owner} is kept but does not play here`,
    ),
    warnings: report.warnings,
  };
}

async function fromMidi(file: string, work: string): Promise<Read> {
  const document = await importMidiFile(file, work);
  return { document, application: null, mapped: [], kept: [], warnings: [] };
}

/**
 * A zipped project folder as the CLI keeps it: project.json at the top (or inside one
 * folder, as zipping a folder makes it), and the files it plays beside it. Only project.json
 * and the files the document names are unpacked; revisions/ and anything else are left out.
 */
async function fromFolderArchive(file: string, work: string): Promise<Read> {
  const archiveName = path.basename(file);
  const archive = DawprojectArchive.open(await readFile(file), archiveName, IMPORT_ARCHIVE_LIMITS);
  const names = [...archive.entries.keys()];
  const top = names.filter((name) => name === PROJECT_FILE || name.endsWith(`/${PROJECT_FILE}`));
  const prefix = top
    .map((name) => name.slice(0, -PROJECT_FILE.length))
    .filter((p) => p === "" || p.split("/").length === 2)
    .sort((a, b) => a.length - b.length)[0];
  if (prefix === undefined) {
    throw new ControlRoomError(
      "E_IMPORT_NO_PROJECT",
      `${archiveName} holds no ${PROJECT_FILE} at its top or in one folder; zip a project folder as controlroom new makes it`,
      PROJECT_FILE,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(archive.readText(`${prefix}${PROJECT_FILE}`));
  } catch (error) {
    if (isControlRoomError(error)) throw error;
    throw new ControlRoomError(
      "E_PROJECT_JSON",
      `${PROJECT_FILE} in ${archiveName} is not valid JSON: ${(error as Error).message}`,
      PROJECT_FILE,
    );
  }
  const document = parseProject(json, PROJECT_FILE);
  const wanted = projectFileNames(document);
  for (const name of wanted) {
    checkFileName(name, PROJECT_FILE);
    const inside = `${prefix}${name}`;
    if (!archive.has(inside)) {
      throw new ControlRoomError(
        "E_IMPORT_FILE_MISSING",
        `${PROJECT_FILE} plays ${name}, which is not in ${archiveName}`,
        name,
      );
    }
    const target = path.join(work, ...name.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, archive.read(inside));
  }
  const left = names.filter(
    (name) =>
      !name.endsWith("/") &&
      name.startsWith(prefix) &&
      name !== `${prefix}${PROJECT_FILE}` &&
      !wanted.has(name.slice(prefix.length)) &&
      !name.slice(prefix.length).startsWith("revisions/"),
  );
  return {
    document,
    application: null,
    mapped: [],
    kept: [],
    warnings:
      left.length === 0
        ? []
        : [
            `${left.length} file(s) the project does not play were left out: ${left
              .slice(0, 5)
              .map((name) => name.slice(prefix.length))
              .join(", ")}${left.length > 5 ? ", …" : ""}`,
          ],
  };
}

/**
 * Every file the document plays, with its type; each source's file is read as audio and must
 * hold what the source says (E_SOURCE_MISMATCH, 422), as a save is checked against uploads.
 */
async function describeFiles(document: Project, work: string): Promise<ImportedFile[]> {
  const sources = new Map(document.sources.map((source) => [source.file, source]));
  const files: ImportedFile[] = [];
  for (const name of projectFileNames(document)) {
    checkFileName(name);
    const file = path.join(work, ...name.split("/"));
    if (!(await exists(file))) {
      throw new ControlRoomError(
        "E_IMPORT_FILE_MISSING",
        `the project plays ${name}, which the imported file does not hold`,
        name,
      );
    }
    const source = sources.get(name);
    let audio: AudioFacts | null = null;
    if (source) {
      try {
        audio = await probeAudioFile(file);
      } catch (error) {
        if (!isControlRoomError(error)) throw error;
        throw new ControlRoomError(
          "E_UPLOAD_AUDIO_INVALID",
          `${name} cannot be used as audio: ${error.message} (${error.code}); nothing was kept`,
          name,
        );
      }
      checkSourceMatches(source, audio);
    }
    const detected = await fileTypeFromFile(file);
    files.push({
      name,
      path: file,
      mediaType: detected?.mime ?? "application/octet-stream",
      audio,
    });
  }
  return files;
}

function counts(document: Project) {
  const noteClips = document.tracks.flatMap((track) => track.noteClips);
  return {
    tracks: document.tracks.length,
    audioClips: document.tracks.reduce((n, track) => n + track.clips.length, 0),
    noteClips: noteClips.length,
    notes: noteClips.reduce((n, clip) => n + clip.notes.length, 0),
    sections: document.sections.length,
    tempoChanges: document.tempo.changes.length,
  };
}

/** A folder of its own for one import; removed by `dispose`. */
export async function importFolder(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "controlroom-import-"));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
