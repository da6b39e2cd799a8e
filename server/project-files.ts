import type { Project } from "../music/project.ts";

/**
 * The project files a document needs beside itself: its sources' audio, the soundfonts its
 * instruments load (not the built-in `default`) and the saved states of kept plug-ins. What
 * an import must bring, an export must carry and a pull must write.
 */
export function projectFileNames(document: Project): Set<string> {
  const names = new Set<string>();
  for (const source of document.sources) names.add(source.file);
  for (const track of document.tracks) {
    const soundfont = track.instrument?.soundfont;
    if (soundfont !== undefined && soundfont !== "default") names.add(soundfont);
    for (const device of track.devices ?? []) if (device.stateFile) names.add(device.stateFile);
  }
  for (const device of document.master.devices ?? []) {
    if (device.stateFile) names.add(device.stateFile);
  }
  return names;
}
