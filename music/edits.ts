import type { History } from "./history.ts";
import { type AudioSource, type Project, Track } from "./project.ts";

/**
 * Edits a person asks for, built from operations, so each is one undo step.
 */

/** A readable id unused in the project: `bass`, `bass-2`, … */
export function freeId(project: Project, wanted: string): string {
  const used = new Set<string>([
    "master",
    ...project.sources.map((s) => s.id),
    ...project.sections.map((s) => s.id),
    ...project.tracks.flatMap((t) => [
      t.id,
      ...t.clips.map((c) => c.id),
      ...t.strip.sends.map((s) => s.id),
    ]),
  ]);
  const base =
    wanted
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "item";
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!used.has(id)) return id;
  }
}

/** Adds a source and an audio track with one clip that plays all of it from the start. */
export function addAudioTrack(
  history: History,
  source: Omit<AudioSource, "id"> & { id?: string },
  name?: string,
): { trackId: string; sourceId: string; clipId: string } {
  const project = history.project;
  const label = name ?? source.file.replace(/^audio\//, "").replace(/\.[^.]+$/, "");
  const sourceId = source.id ?? freeId(project, `${label}-audio`);
  const trackId = freeId(project, label);
  const clipId = freeId(
    { ...project, sources: [...project.sources, { ...source, id: sourceId }] },
    `${label}-clip`,
  );
  history.apply({
    type: "batch",
    ops: [
      { type: "source.add", source: { ...source, id: sourceId } },
      {
        type: "track.add",
        track: Track.parse({
          id: trackId,
          name: label,
          kind: "audio",
          clips: [{ id: clipId, sourceId, startTick: 0, lengthFrames: source.frames }],
        }),
      },
    ],
  });
  return { trackId, sourceId, clipId };
}
