import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { writeArchive } from "../../formats/dawproject/archive.ts";
import { loadProjectFolder, PROJECT_FILE } from "../../formats/node/project-folder.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { projectFileNames } from "../../server/project-files.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/push.ts";
import { progressBar } from "../progress.ts";
import { StudioClient } from "../studio-client.ts";

export const pushCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("push", argv, {
      server: { type: "string" },
      project: { type: "string" },
      title: { type: "string" },
      token: { type: "string" },
      json: { type: "boolean" },
    });
    const dir = requirePositional("push", positionals, "<dir>");
    const client = StudioClient.fromFlags("push", values);
    const document = await loadProjectFolder(dir);
    const names = [...projectFileNames(document)];
    await checkFilesPresent(dir, names);
    const result =
      values.project === undefined
        ? await pushNew(client, dir, document, names, values.title, !values.json)
        : await pushRevision(client, dir, document, names, values.project, !values.json);
    if (values.json) console.log(JSON.stringify({ ok: true, dir, ...result }));
    else {
      console.log(
        `pushed ${dir} to ${client.server.origin}: project ${result.projectId}, revision ${result.revision} (${result.uploaded.length} of ${names.length} files uploaded)`,
      );
      for (const warning of result.warnings) console.log(`  ${warning}`);
    }
    return EXIT.ok;
  },
};

interface Pushed {
  projectId: string;
  revision: number;
  /** The files sent this time. */
  uploaded: string[];
  warnings: string[];
}

async function checkFilesPresent(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await stat(path.join(dir, name));
    } catch {
      throw new ControlRoomError(
        "E_PROJECT_FILE_MISSING",
        `${PROJECT_FILE} plays ${name}, which is not in ${dir}`,
        name,
      );
    }
  }
}

async function pushNew(
  client: StudioClient,
  dir: string,
  document: Project,
  names: string[],
  title: string | undefined,
  showProgress: boolean,
): Promise<Pushed> {
  const entries: Record<string, Uint8Array> = {
    [PROJECT_FILE]: new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`),
  };
  for (const name of names) entries[name] = await readFile(path.join(dir, name));
  const zip = writeArchive(entries);
  const query = new URLSearchParams({ from: "folder", ...(title ? { title } : {}) });
  const bar = progressBar("uploading", showProgress);
  try {
    const made = await client.upload<{
      project: { id: string; currentRevision: number };
      import: { warnings: string[] };
    }>(
      "POST",
      `api/projects?${query}`,
      (async function* () {
        // In pieces, so the bar moves as the bytes leave.
        for (let at = 0; at < zip.byteLength; at += 256 * 1024) {
          yield zip.subarray(at, at + 256 * 1024);
        }
      })(),
      { size: zip.byteLength, contentType: "application/zip" },
      bar,
    );
    return {
      projectId: made.project.id,
      revision: made.project.currentRevision,
      uploaded: names,
      warnings: made.import.warnings,
    };
  } finally {
    bar.stop();
  }
}

interface StudioFile {
  name: string;
  sha256: string;
}

async function pushRevision(
  client: StudioClient,
  dir: string,
  document: Project,
  names: string[],
  projectId: string,
  showProgress: boolean,
): Promise<Pushed> {
  const project = `api/projects/${encodeURIComponent(projectId)}`;
  const { currentRevision } = await client.json<{ currentRevision: number }>("GET", project);
  const { files } = await client.json<{ files: StudioFile[] }>("GET", `${project}/files`);
  const held = new Map(files.map((file) => [file.name, file.sha256]));
  const uploaded: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const sha256 = await sha256Of(file);
    const there = held.get(name);
    if (there === sha256) continue;
    if (there !== undefined) {
      throw new ControlRoomError(
        "E_STUDIO_FILE_DIFFERS",
        `${name} in ${dir} is not the ${name} the studio holds (files never change there); give the new file another name`,
        name,
      );
    }
    const bar = progressBar(name, showProgress);
    try {
      await client.upload(
        "PUT",
        `${project}/files/${name.split("/").map(encodeURIComponent).join("/")}`,
        createReadStream(file),
        {
          size: (await stat(file)).size,
          contentType: "application/octet-stream",
          headers: { "x-content-sha256": sha256 },
        },
        bar,
      );
    } finally {
      bar.stop();
    }
    uploaded.push(name);
  }
  const { revision } = await client.json<{ revision: number }>("PUT", `${project}/document`, {
    baseRevision: currentRevision,
    document,
  });
  return { projectId, revision, uploaded, warnings: [] };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
