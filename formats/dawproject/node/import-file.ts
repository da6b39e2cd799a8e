import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ControlRoomError, namingFile } from "../../../music/errors.ts";
import type { AudioSource, Project } from "../../../music/project.ts";
import { importAudioFile } from "../../node/audio-import.ts";
import { AUDIO_DIR, PROJECT_FILE, saveProjectFolder } from "../../node/project-folder.ts";
import { type ArchiveLimits, DawprojectArchive, DEFAULT_ARCHIVE_LIMITS } from "../archive.ts";
import { IdPool } from "../ids.ts";
import {
  convertDawproject,
  type DawprojectImportReport,
  parseDawproject,
  type ReadOptions,
  sourceIdFor,
} from "../import.ts";

export const PLUGINS_DIR = "plugins";

/**
 * Imports a .dawproject file into a new project folder: its audio is brought into audio/
 * (WAV copied, compressed audio decoded to WAV), plug-in state files into plugins/, and the
 * document saved as project.json. On failure, what this import wrote is removed again.
 */
export async function importDawproject(
  file: string,
  projectDir: string,
  options: ReadOptions = {},
): Promise<{ project: Project; report: DawprojectImportReport }> {
  const archiveName = path.basename(file);
  if (await exists(path.join(projectDir, PROJECT_FILE))) {
    throw new ControlRoomError(
      "E_PROJECT_EXISTS",
      `${path.join(projectDir, PROJECT_FILE)} already exists; import into an empty folder`,
      projectDir,
    );
  }
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.archiveLimits };
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new ControlRoomError("E_DAWPROJECT_MISSING", `${file} does not exist`, file);
  }
  if (size > limits.maxTotalBytes) {
    throw new ControlRoomError(
      "E_ZIP_TOO_LARGE",
      `${archiveName} is ${size} bytes; at most ${limits.maxTotalBytes} are read`,
      file,
    );
  }
  const archive = DawprojectArchive.open(await readFile(file), archiveName, limits);
  let parsed: ReturnType<typeof parseDawproject>;
  try {
    parsed = parseDawproject(archive, archiveName, options);
  } catch (error) {
    throw namingFile(error, archiveName);
  }

  const created: string[] = [];
  const work = await mkdtemp(path.join(tmpdir(), "controlroom-dawproject-"));
  try {
    await mkdir(path.join(projectDir, AUDIO_DIR), { recursive: true });
    const sources = new Map<string, AudioSource>();
    const ids = new IdPool();
    for (const media of parsed.media.values()) {
      const base = safeBase(media.path, "audio.wav");
      const unpacked = path.join(work, `${randomBytes(4).toString("hex")}`, base);
      await mkdir(path.dirname(unpacked), { recursive: true });
      await writeFile(unpacked, archive.read(media.path));
      const info = await importAudioFile(projectDir, unpacked);
      created.push(path.join(projectDir, info.file));
      await rm(unpacked, { force: true });
      sources.set(media.path, { id: ids.take(sourceIdFor(media.path)), ...info });
    }
    const stateFiles = new Map<string, string>();
    for (const inside of parsed.stateFiles) {
      await mkdir(path.join(projectDir, PLUGINS_DIR), { recursive: true });
      const name = await freeName(path.join(projectDir, PLUGINS_DIR), safeBase(inside, "state"));
      const target = path.join(projectDir, PLUGINS_DIR, name);
      await writeFile(target, archive.read(inside));
      created.push(target);
      stateFiles.set(inside, `${PLUGINS_DIR}/${name}`);
    }
    const title = path.basename(file, path.extname(file));
    const result = convertDawproject(parsed, sources, { title, stateFiles });
    await saveProjectFolder(projectDir, result.project);
    return result;
  } catch (error) {
    for (const f of created) await rm(f, { force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function safeBase(inside: string, fallback: string): string {
  const base = inside.split("/").at(-1) ?? "";
  return (
    base
      .replace(/[^\p{L}\p{N}._ -]+/gu, "_")
      .replace(/^\.+/, "")
      .slice(0, 120) || fallback
  );
}

async function freeName(dir: string, wanted: string): Promise<string> {
  const ext = path.extname(wanted);
  const stem = path.basename(wanted, ext);
  for (let n = 1; ; n++) {
    const name = n === 1 ? wanted : `${stem}-${n}${ext}`;
    if (!(await exists(path.join(dir, name)))) return name;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
