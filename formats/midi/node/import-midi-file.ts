import { promises as fs } from "node:fs";
import path from "node:path";
import { ControlRoomError } from "../../../music/errors.ts";
import type { Project } from "../../../music/project.ts";
import { writeFileAtomic } from "../../node/pending-file.ts";
import { AUDIO_DIR, PROJECT_FILE, saveProjectFolder } from "../../node/project-folder.ts";
import { projectToMidi } from "../midi-export.ts";
import { midiToProject } from "../midi-import.ts";
import { MAX_MIDI_FILE_BYTES } from "../smf-layout.ts";

/**
 * Makes a new project folder from a Standard MIDI File (`controlroom import song.mid <dir>`):
 * the file's tracks, tempo map and markers, in `dir`, which must not hold a project yet.
 * The file is read and checked whole before anything is written.
 */
export async function importMidiFile(midiPath: string, dir: string): Promise<Project> {
  const bytes = await readMidiBytes(midiPath);
  const project = midiToProject(bytes, path.basename(midiPath));
  const target = path.join(dir, PROJECT_FILE);
  if (await exists(target)) {
    throw new ControlRoomError(
      "E_PROJECT_EXISTS",
      `${target} already exists; choose an empty folder to import ${path.basename(midiPath)} into`,
      target,
    );
  }
  await fs.mkdir(path.join(dir, AUDIO_DIR), { recursive: true });
  await saveProjectFolder(dir, project);
  return project;
}

/** Writes a project's note clips and tempo map to a MIDI file, through a temporary file. */
export function exportMidiFile(project: Project, midiPath: string): void {
  writeFileAtomic(midiPath, projectToMidi(project));
}

async function readMidiBytes(midiPath: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await fs.stat(midiPath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ControlRoomError("E_MIDI_MISSING", `${midiPath} does not exist`, midiPath);
    }
    throw error;
  }
  // Refused before reading, so a huge file is never loaded into memory.
  if (size > MAX_MIDI_FILE_BYTES) {
    throw new ControlRoomError(
      "E_MIDI_TOO_LARGE",
      `${path.basename(midiPath)} is ${size} bytes; a MIDI file may be at most ${MAX_MIDI_FILE_BYTES} bytes`,
      midiPath,
    );
  }
  return new Uint8Array(await fs.readFile(midiPath));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
