import { ControlRoomError } from "./errors.ts";
import type { Project, Section, Track } from "./project.ts";
import { placeAudioClips, placeNoteClips } from "./section-cuts.ts";
import { TempoMap } from "./tempo-map.ts";
import { freshId, type Piece, rearrange, type Timeline, timelineOf } from "./timeline.ts";

/**
 * The producer's arrangement: sections as pieces of the timeline that can be moved,
 * duplicated and deleted with everything in them, and the matrix of which track plays in
 * which section. Pure functions from a project to a new timeline; music/operations.ts wraps
 * them as undoable operations.
 */

function sectionError(message: string, field: string): ControlRoomError {
  return new ControlRoomError("E_OPERATION", message, field);
}

export function findSection(project: Project, sectionId: string): Section {
  const section = project.sections.find((s) => s.id === sectionId);
  if (!section) throw sectionError(`there is no section "${sectionId}"`, "sectionId");
  return section;
}

const end = (s: Section) => s.startTick + s.lengthTicks;
const pieces = (list: Piece[]) => list.filter((p) => p.length > 0);

const sourceRates = (project: Project) => new Map(project.sources.map((s) => [s.id, s.sampleRate]));

/** Every id in use, so copies get fresh ones. */
function takenIds(project: Project): Set<string> {
  return new Set([
    ...project.sections.map((s) => s.id),
    ...project.tracks.flatMap((t) => [...t.clips, ...t.noteClips].map((c) => c.id)),
  ]);
}

/**
 * Moves a section, and everything in it (cut at its edges), so that it starts at `toTick` of
 * the present timeline (before or after the section, not inside it); what lay between closes
 * up behind it. `toTick` is usually another section's start or end.
 */
export function moveSection(project: Project, sectionId: string, toTick: number): Timeline {
  const s = findSection(project, sectionId);
  const a = s.startTick;
  const b = end(s);
  const length = s.lengthTicks;
  if (toTick > a && toTick < b) {
    throw sectionError(
      `section "${s.name}" cannot move to tick ${toTick}, inside itself`,
      "toTick",
    );
  }
  const list =
    toTick >= b
      ? [
          { to: 0, from: 0, length: a },
          { to: a, from: b, length: toTick - b },
          { to: toTick - length, from: a, length },
          { to: toTick, from: toTick, length: Number.POSITIVE_INFINITY },
        ]
      : [
          { to: 0, from: 0, length: toTick },
          { to: toTick, from: a, length },
          { to: toTick + length, from: toTick, length: a - toTick },
          { to: b, from: b, length: Number.POSITIVE_INFINITY },
        ];
  return rearrange(timelineOf(project), pieces(list), takenIds(project), sourceRates(project));
}

/** Plays a section twice: a copy of it and of everything in it follows it, the rest moves on. */
export function duplicateSection(
  project: Project,
  sectionId: string,
): { timeline: Timeline; copyId: string } {
  const s = findSection(project, sectionId);
  const b = end(s);
  const timeline = rearrange(
    timelineOf(project),
    pieces([
      { to: 0, from: 0, length: b },
      { to: b, from: s.startTick, length: s.lengthTicks },
      { to: b + s.lengthTicks, from: b, length: Number.POSITIVE_INFINITY },
    ]),
    takenIds(project),
    sourceRates(project),
  );
  const copy = timeline.sections.find(
    (c) => c.startTick === b && c.id !== s.id && c.name === s.name,
  );
  return { timeline, copyId: copy!.id };
}

/** Cuts a section and everything in it out of the song; what follows moves up. */
export function deleteSection(project: Project, sectionId: string): Timeline {
  const s = findSection(project, sectionId);
  return rearrange(
    timelineOf(project),
    pieces([
      { to: 0, from: 0, length: s.startTick },
      { to: s.startTick, from: end(s), length: Number.POSITIVE_INFINITY },
    ]),
    takenIds(project),
    sourceRates(project),
  );
}

export interface ArrangementCell {
  /** Unmuted audio and note clips sounding in the section. */
  clips: number;
  /** Notes of those clips that start in the section. */
  notes: number;
  playing: boolean;
}

export interface Arrangement {
  sections: Section[];
  tracks: Pick<Track, "id" | "name" | "kind">[];
  /** cells[track][section], in the orders above. */
  cells: ArrangementCell[][];
}

/** Which track plays in which section: the producer's matrix, derived from the clips. */
export function arrangementMatrix(project: Project): Arrangement {
  const tempo = new TempoMap(project.tempo);
  const sections = [...project.sections].sort((a, b) => a.startTick - b.startTick);
  const tracks = project.tracks.filter((t) => t.kind !== "bus");
  const sourceRate = new Map(project.sources.map((s) => [s.id, s.sampleRate]));
  return {
    sections,
    tracks: tracks.map(({ id, name, kind }) => ({ id, name, kind })),
    cells: tracks.map((track) =>
      sections.map((section) => {
        const a = section.startTick;
        const b = end(section);
        let clips = 0;
        let notes = 0;
        for (const clip of track.clips) {
          if (clip.mute) continue;
          const seconds =
            clip.lengthFrames / ((sourceRate.get(clip.sourceId) ?? 48_000) * clip.playbackRate);
          const clipEnd = tempo.secondsToTicks(tempo.ticksToSeconds(clip.startTick) + seconds);
          if (clip.startTick < b && clipEnd > a) clips++;
        }
        for (const clip of track.noteClips) {
          if (clip.mute || clip.startTick >= b || clip.startTick + clip.lengthTicks <= a) continue;
          const inside = clip.notes.filter((n) => {
            const at = clip.startTick + n.startTick;
            return at >= a && at < b && n.startTick < clip.lengthTicks;
          }).length;
          if (inside > 0) clips++;
          notes += inside;
        }
        return { clips, notes, playing: clips > 0 };
      }),
    ),
  };
}

/**
 * Turns one cell of the matrix on or off. Off removes the track's clips and lyrics that start
 * in the section. On copies them from another section where the track plays: `fromSectionId`,
 * else the nearest earlier section of the same name ("Verse 1" for "Verse 2"), else any
 * section of that name, else the nearest earlier one where it plays.
 */
export function setCell(
  project: Project,
  trackId: string,
  sectionId: string,
  playing: boolean,
  fromSectionId?: string,
): Timeline {
  const section = findSection(project, sectionId);
  const timeline = timelineOf(project);
  const track = timeline.tracks.find((t) => t.id === trackId);
  if (!track) throw sectionError(`there is no track "${trackId}"`, "trackId");
  const a = section.startTick;
  const b = end(section);
  const inside = (tick: number, from = a, to = b) => tick >= from && tick < to;
  const ids = takenIds(project);
  if (!playing) {
    // Cut what crosses the section's edges, then keep what lies before and after it.
    const around = [
      { to: 0, from: 0, length: a },
      { to: b, from: b, length: Number.POSITIVE_INFINITY },
    ].filter((p) => p.length > 0);
    const seen = new Set<string>();
    const idFor = (id: string) => {
      if (seen.has(id)) return freshId(ids, id);
      seen.add(id);
      return id;
    };
    track.clips = placeAudioClips(track.clips, around, timeline.tempo, sourceRates(project), idFor);
    track.noteClips = placeNoteClips(track.noteClips, around, idFor);
    track.lyrics = track.lyrics.filter((l) => !inside(l.tick));
    return timeline;
  }
  const matrix = arrangementMatrix(project);
  const row = matrix.cells[matrix.tracks.findIndex((t) => t.id === trackId)];
  const column = matrix.sections.findIndex((s) => s.id === sectionId);
  if (row?.[column]?.playing) return timeline;
  const source = fromSectionId
    ? findSection(project, fromSectionId)
    : copySource(matrix, row ?? [], section);
  if (!source) {
    throw sectionError(
      `no section has track "${trackId}" playing to copy from; add its clips in "${section.name}" instead`,
      "sectionId",
    );
  }
  const shift = a - source.startTick;
  const fresh = (id: string) => freshId(ids, id);
  const from = source.startTick;
  const to = Math.min(end(source), from + section.lengthTicks);
  // The source section's clips, cut at its edges, played from the start of this one.
  const copy = [{ to: a, from, length: to - from }];
  track.clips.push(
    ...placeAudioClips(track.clips, copy, timeline.tempo, sourceRates(project), fresh),
  );
  track.noteClips.push(...placeNoteClips(track.noteClips, copy, fresh));
  for (const syllable of track.lyrics.filter((l) => inside(l.tick, from, to))) {
    track.lyrics.push({ ...syllable, tick: syllable.tick + shift });
  }
  track.lyrics.sort((x, y) => x.tick - y.tick);
  return timeline;
}

/** "Verse 2" → "verse": the name a section shares with its other instances. */
function baseName(name: string): string {
  return name
    .replace(/\s*\d+$/, "")
    .trim()
    .toLowerCase();
}

function copySource(
  matrix: Arrangement,
  row: ArrangementCell[],
  target: Section,
): Section | undefined {
  const candidates = matrix.sections.filter((s, i) => row[i]?.playing && s.id !== target.id);
  const sameName = candidates.filter((s) => baseName(s.name) === baseName(target.name));
  const before = (list: Section[]) => list.filter((s) => s.startTick < target.startTick).at(-1);
  return before(sameName) ?? sameName[0] ?? before(candidates) ?? candidates[0];
}
