import { randomBytes } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import path from "node:path";
import { ControlRoomError } from "../../music/errors.ts";
import { type AudioSource, emptyProject, type Project, type Song } from "../../music/project.ts";
import { parseProject } from "../../music/validate.ts";
import { writeFileAtomic } from "./pending-file.ts";

/**
 * A project on disk is a folder: `project.json`, the audio it plays in `audio/`, and every
 * saved revision of the document in `revisions/`. Writes go to a temporary file that is
 * renamed over the old one, so a crash leaves either the old or the new file, never half.
 */
export const PROJECT_FILE = "project.json";
export const AUDIO_DIR = "audio";
export const REVISIONS_DIR = "revisions";

export async function createProjectFolder(dir: string, song: Partial<Song> = {}): Promise<Project> {
  const file = path.join(dir, PROJECT_FILE);
  if (await exists(file)) {
    throw new ControlRoomError(
      "E_PROJECT_EXISTS",
      `${file} already exists; choose an empty folder for a new project`,
      file,
    );
  }
  await fs.mkdir(path.join(dir, AUDIO_DIR), { recursive: true });
  const project = emptyProject({ title: path.basename(path.resolve(dir)), ...song });
  await saveProjectFolder(dir, project);
  return project;
}

export async function loadProjectFolder(dir: string): Promise<Project> {
  const file = path.join(dir, PROJECT_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ControlRoomError(
        "E_PROJECT_MISSING",
        `${file} does not exist; is ${dir} a Control Room project? (controlroom new ${dir} makes one)`,
        file,
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ControlRoomError(
      "E_PROJECT_JSON",
      `${PROJECT_FILE} is not valid JSON: ${(error as Error).message}`,
      file,
    );
  }
  return parseProject(json, PROJECT_FILE);
}

/** Validates, then writes project.json atomically and keeps the revision. */
export async function saveProjectFolder(dir: string, project: Project): Promise<void> {
  const valid = parseProject(project, PROJECT_FILE);
  const text = `${JSON.stringify(valid, null, 2)}\n`;
  const revisions = path.join(dir, REVISIONS_DIR);
  await fs.mkdir(revisions, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const bytes = new TextEncoder().encode(text);
  writeFileAtomic(path.join(revisions, `${stamp}-${randomBytes(3).toString("hex")}.json`), bytes);
  writeFileAtomic(path.join(dir, PROJECT_FILE), bytes);
}

/** The absolute path of a source's file inside the project. */
export function sourcePath(dir: string, source: AudioSource): string {
  return path.join(dir, source.file);
}

/** A name in audio/ that no source uses yet, keeping the user's base name readable. */
export async function freeAudioName(
  dir: string,
  wanted: string,
  extension: string,
): Promise<string> {
  const base =
    path
      .basename(wanted, path.extname(wanted))
      .replace(/[^\p{L}\p{N}._ -]+/gu, "_")
      .slice(0, 100) || "audio";
  for (let n = 1; ; n++) {
    const name = `${n === 1 ? base : `${base}-${n}`}${extension}`;
    if (!(await exists(path.join(dir, AUDIO_DIR, name)))) return `${AUDIO_DIR}/${name}`;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
