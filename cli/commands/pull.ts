import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { DawprojectArchive } from "../../formats/dawproject/archive.ts";
import { writeFileAtomic } from "../../formats/node/pending-file.ts";
import { AUDIO_DIR, PROJECT_FILE, saveProjectFolder } from "../../formats/node/project-folder.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { parseProject } from "../../music/validate.ts";
import { checkFileName } from "../../store/files.ts";
import { type Command, optionalInteger, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/pull.ts";
import { progressBar } from "../progress.ts";
import { StudioClient } from "../studio-client.ts";

export const pullCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("pull", argv, {
      server: { type: "string" },
      revision: { type: "string" },
      token: { type: "string" },
      json: { type: "boolean" },
    });
    const projectId = requirePositional("pull", positionals, "<projectId>");
    const dir = requirePositional("pull", positionals, "<dir>", 1);
    const revision = optionalInteger(values.revision, "--revision", 1, 2 ** 31 - 1);
    const client = StudioClient.fromFlags("pull", values);
    if (await exists(path.join(dir, PROJECT_FILE))) {
      throw new ControlRoomError(
        "E_PROJECT_EXISTS",
        `${path.join(dir, PROJECT_FILE)} already exists; pull into an empty folder`,
        dir,
      );
    }
    const query = new URLSearchParams({
      format: "folder",
      ...(revision === undefined ? {} : { revision: String(revision) }),
    });
    const bar = progressBar("downloading", !values.json);
    let download: Awaited<ReturnType<StudioClient["download"]>>;
    try {
      download = await client.download(
        `api/projects/${encodeURIComponent(projectId)}/export?${query}`,
        bar,
      );
    } finally {
      bar.stop();
    }
    const archive = DawprojectArchive.open(download.bytes, `${projectId}.zip`);
    const document = parseProject(JSON.parse(archive.readText(PROJECT_FILE)), PROJECT_FILE);
    const files = [...archive.entries.keys()].filter(
      (name) => name !== PROJECT_FILE && !name.endsWith("/"),
    );
    await mkdir(path.join(dir, AUDIO_DIR), { recursive: true });
    for (const name of files) {
      checkFileName(name);
      const target = path.join(dir, ...name.split("/"));
      await mkdir(path.dirname(target), { recursive: true });
      writeFileAtomic(target, archive.read(name));
    }
    // Last, so a pull that failed on the way leaves no project that lacks its files.
    await saveProjectFolder(dir, document);
    const pulled = Number(download.headers.get("x-controlroom-revision"));
    if (values.json) {
      console.log(JSON.stringify({ ok: true, dir, projectId, revision: pulled, files }));
    } else {
      console.log(
        `pulled project ${projectId} revision ${pulled} into ${dir}: "${document.song.title}", ${document.tracks.length} tracks, ${files.length} files`,
      );
    }
    return EXIT.ok;
  },
};

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
