import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../node/pending-file.ts";
import { loadProjectFolder } from "../../node/project-folder.ts";
import { writeArchive } from "../archive.ts";
import { METADATA_XML, PROJECT_XML, projectToDawproject } from "../export.ts";
import type { InterchangeChange } from "../round-trip.ts";

export interface DawprojectExportReport {
  output: string;
  tracks: number;
  files: string[];
  /** What DAWproject could not carry, one sentence each. */
  lost: string[];
  /** Every setting an import of the file gives back differently: track, setting, before, after. */
  changes: InterchangeChange[];
}

/**
 * Writes a project folder as a .dawproject file: project.xml, metadata.xml, every audio
 * file the clips play and the saved states of kept plug-ins, atomically (temporary file,
 * then rename).
 */
export async function exportDawproject(
  projectDir: string,
  outFile: string,
): Promise<DawprojectExportReport> {
  const project = await loadProjectFolder(projectDir);
  const written = projectToDawproject(project);
  const encoder = new TextEncoder();
  const entries: Record<string, Uint8Array> = {
    [PROJECT_XML]: encoder.encode(written.projectXml),
    [METADATA_XML]: encoder.encode(written.metadataXml),
  };
  for (const [inside, file] of written.files) {
    entries[inside] = await readFile(path.join(projectDir, file));
  }
  writeFileAtomic(outFile, writeArchive(entries));
  return {
    output: outFile,
    tracks: project.tracks.length,
    files: [...written.files.keys()],
    lost: [...new Set(written.lost)],
    changes: written.changes,
  };
}
