import { writeArchive } from "../formats/dawproject/archive.ts";
import { METADATA_XML, PROJECT_XML, projectToDawproject } from "../formats/dawproject/export.ts";
import { describeChange } from "../formats/dawproject/round-trip.ts";
import { PROJECT_FILE } from "../formats/node/project-folder.ts";
import { ControlRoomError } from "../music/errors.ts";
import type { Project } from "../music/project.ts";
import type { Store } from "../store/store.ts";
import { projectFileNames } from "./project-files.ts";

/**
 * A revision of a stored project as a file another tool, or the CLI, opens: a DAWproject
 * (project.xml, metadata.xml and the audio inside), or a ZIP of the project folder the CLI
 * keeps (project.json and every file it plays, under the same names). Both are built from
 * the revision's document and the blobs its files name, which never change, so the same
 * revision always exports the same bytes.
 */

export const EXPORT_FORMATS = ["dawproject", "folder"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ProjectExport {
  bytes: Uint8Array;
  /** A file name to save it under: `<title>-r<revision>.dawproject|.zip`. */
  fileName: string;
  revision: number;
  /** The project files inside. */
  files: string[];
  /**
   * What the format could not carry, one sentence each (DAWproject only), and each setting
   * an import of it gives back differently.
   */
  lost: string[];
}

export async function exportProject(
  store: Store,
  projectId: string,
  format: ExportFormat,
  revisionNumber?: number,
): Promise<ProjectExport> {
  const revision = await store.loadRevision(projectId, revisionNumber);
  const document = revision.document;
  const stem = `${fileStem(document)}-r${revision.number}`;
  const read = (name: string) => readProjectFile(store, projectId, name, revision.number);
  if (format === "folder") {
    const entries: Record<string, Uint8Array> = {
      [PROJECT_FILE]: new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`),
    };
    const names = [...projectFileNames(document)];
    for (const name of names) entries[name] = await read(name);
    return {
      bytes: writeArchive(entries),
      fileName: `${stem}.zip`,
      revision: revision.number,
      files: names,
      lost: [],
    };
  }
  const written = projectToDawproject(document);
  const encoder = new TextEncoder();
  const entries: Record<string, Uint8Array> = {
    [PROJECT_XML]: encoder.encode(written.projectXml),
    [METADATA_XML]: encoder.encode(written.metadataXml),
  };
  for (const [inside, name] of written.files) entries[inside] = await read(name);
  return {
    bytes: writeArchive(entries),
    fileName: `${stem}.dawproject`,
    revision: revision.number,
    files: [...written.files.values()],
    // What an import of it would give back differently counts as lost too.
    lost: [...new Set([...written.lost, ...written.changes.map(describeChange)])],
  };
}

async function readProjectFile(
  store: Store,
  projectId: string,
  name: string,
  revision: number,
): Promise<Uint8Array> {
  const file = await store.findFile(projectId, name);
  if (!file) {
    throw new ControlRoomError(
      "E_EXPORT_FILE_MISSING",
      `revision ${revision} plays ${name}, which is not among the project's files, so it cannot be exported whole`,
      name,
    );
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of await store.blobs.get(file.sha256)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The song's title as a plain file name. */
function fileStem(document: Project): string {
  return (
    document.song.title
      .replace(/[^\p{L}\p{N}._ -]+/gu, "_")
      .replace(/^[.\s]+/, "")
      .trim()
      .slice(0, 80) || "project"
  );
}
