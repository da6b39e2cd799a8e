import type {
  AudioClip,
  AutomationLane,
  AutomationPoint,
  Chord,
  NoteClip,
  Project,
  Section,
  Syllable,
} from "./project.ts";
import { placeAudioClips, placeNoteClips } from "./section-cuts.ts";
import type { Tempo } from "./tempo-map.ts";

/**
 * Everything in a project that sits at a tick: what moving, duplicating or deleting a section
 * rearranges, and what an undo of it puts back. Strips, sources and routing are not in it.
 */
export interface Timeline {
  tempo: Tempo;
  sections: Section[];
  chords: Chord[];
  masterAutomation: AutomationLane[];
  tracks: {
    id: string;
    clips: AudioClip[];
    noteClips: NoteClip[];
    automation: AutomationLane[];
    lyrics: Syllable[];
  }[];
}

export function timelineOf(project: Project): Timeline {
  return structuredClone({
    tempo: project.tempo,
    sections: project.sections,
    chords: project.chords,
    masterAutomation: project.master.automation,
    tracks: project.tracks.map((t) => ({
      id: t.id,
      clips: t.clips,
      noteClips: t.noteClips,
      automation: t.automation,
      lyrics: t.lyrics,
    })),
  });
}

/** Writes a timeline into a project (in place); tracks are matched by id. */
export function setTimeline(project: Project, timeline: Timeline): void {
  const copy = structuredClone(timeline);
  project.tempo = copy.tempo;
  project.sections = copy.sections;
  project.chords = copy.chords;
  project.master.automation = copy.masterAutomation;
  const byId = new Map(copy.tracks.map((t) => [t.id, t]));
  for (const track of project.tracks) {
    const parts = byId.get(track.id);
    if (!parts) continue;
    track.clips = parts.clips;
    track.noteClips = parts.noteClips;
    track.automation = parts.automation;
    track.lyrics = parts.lyrics;
  }
}

/**
 * One piece of the new timeline: the ticks [from, from + length) of the old one, played from
 * `to`. A rearrangement lists its pieces in order and covers the new timeline from tick 0;
 * the last piece runs to the end (length Infinity). A piece may repeat old ticks (duplicate)
 * and old ticks may appear in none (delete).
 */
export interface Piece {
  to: number;
  from: number;
  length: number;
}

/**
 * Rebuilds every timed thing for a rearrangement. Clips and held notes that cross an edge of
 * a piece are cut there first (music/section-cuts.ts), so each part goes with its piece.
 * Things that happen at a tick (tempo changes; time signatures; chords; lyrics; automation
 * points; sections by their start) go wherever their tick goes. What is in effect at a tick
 * (tempo, metre, chord, an automation value) is carried to the start of each piece, and
 * automation is held to the end of each piece, so every piece sounds as it did.
 * A clip that appears in more than one piece keeps its id the first time and gets
 * `<id>-<n>` after; `takenIds` are avoided. `sourceRates` (source id → sample rate) tell
 * where an audio clip ends.
 */
export function rearrange(
  timeline: Timeline,
  pieces: Piece[],
  takenIds: Set<string>,
  sourceRates: ReadonlyMap<string, number>,
): Timeline {
  const ids = new Set(takenIds);
  const seen = new Set<string>();
  const idFor = (id: string) => {
    if (seen.has(id)) return freshId(ids, id);
    seen.add(id);
    return id;
  };
  const place = <T>(items: T[], tick: (item: T) => number, move: (item: T, to: number) => T) =>
    pieces.flatMap((piece) =>
      items
        .filter((item) => tick(item) >= piece.from && tick(item) < piece.from + piece.length)
        .map((item) => move(structuredClone(item), piece.to + tick(item) - piece.from)),
    );
  const byTick = <T extends { tick: number }>(items: T[]) =>
    place(
      items,
      (i) => i.tick,
      (i, to) => ({ ...i, tick: to }),
    );

  return {
    tempo: {
      changes: steps(timeline.tempo.changes, pieces, (a, b) => a.bpm === b.bpm),
      timeSignatures: steps(
        timeline.tempo.timeSignatures,
        pieces,
        (a, b) => a.numerator === b.numerator && a.denominator === b.denominator,
      ),
    },
    sections: place(
      timeline.sections,
      (s) => s.startTick,
      (s, to) => ({
        ...s,
        id: idFor(s.id),
        startTick: to,
      }),
    ).sort((a, b) => a.startTick - b.startTick),
    chords: steps(timeline.chords, pieces, (a, b) => a.symbol === b.symbol, false),
    masterAutomation: timeline.masterAutomation.map((lane) => rearrangeLane(lane, pieces)),
    tracks: timeline.tracks.map((track) => ({
      id: track.id,
      clips: placeAudioClips(track.clips, pieces, timeline.tempo, sourceRates, idFor),
      noteClips: placeNoteClips(track.noteClips, pieces, idFor),
      automation: track.automation.map((lane) => rearrangeLane(lane, pieces)),
      lyrics: byTick(track.lyrics),
    })),
  };
}

/** `<id>-<n>` for the lowest n ≥ 2 not in `ids`, which then holds it: the id of a copy. */
export function freshId(ids: Set<string>, id: string): string {
  let n = 2;
  while (ids.has(`${id}-${n}`)) n++;
  ids.add(`${id}-${n}`);
  return `${id}-${n}`;
}

/**
 * A step function (a value from each event's tick on): its events moved with their pieces,
 * and the value in effect at each piece's old start restated at its new start. Restatements
 * equal to the value before them are dropped. `fromZero` keeps tick 0 defined (tempo, metre).
 */
function steps<T extends { tick: number }>(
  events: T[],
  pieces: Piece[],
  same: (a: T, b: T) => boolean,
  fromZero = true,
): T[] {
  const sorted = [...events].sort((a, b) => a.tick - b.tick);
  const inEffect = (tick: number) => sorted.findLast((e) => e.tick <= tick);
  const out: T[] = [];
  for (const piece of pieces) {
    const start = inEffect(piece.from);
    if (start) out.push({ ...structuredClone(start), tick: piece.to });
    for (const e of sorted) {
      if (e.tick > piece.from && e.tick < piece.from + piece.length) {
        out.push({ ...structuredClone(e), tick: piece.to + e.tick - piece.from });
      }
    }
  }
  out.sort((a, b) => a.tick - b.tick);
  const kept: T[] = [];
  for (const e of out) {
    const previous = kept[kept.length - 1];
    if (previous && previous.tick === e.tick) kept[kept.length - 1] = e;
    else if (!previous || !same(previous, e)) kept.push(e);
  }
  if (fromZero && kept.length > 0) kept[0] = { ...kept[0], tick: 0 };
  return kept;
}

/**
 * An automation lane: points move with their pieces; each piece begins with the value the
 * old lane had at its old start and ends holding the value it had just before its old end,
 * so a ramp cut by a section boundary sounds the same in its new place.
 */
function rearrangeLane(lane: AutomationLane, pieces: Piece[]): AutomationLane {
  if (lane.points.length === 0) return structuredClone(lane);
  const points: AutomationPoint[] = [];
  for (const piece of pieces) {
    const end = piece.from + piece.length;
    const inside = lane.points.filter((p) => p.tick >= piece.from && p.tick < end);
    if (inside[0]?.tick !== piece.from) {
      points.push({
        tick: piece.to,
        value: valueAt(lane.points, piece.from),
        curve: curveAt(lane.points, piece.from),
      });
    }
    for (const p of inside) points.push({ ...p, tick: piece.to + p.tick - piece.from });
    const last = lane.points[lane.points.length - 1];
    if (Number.isFinite(end) && end - 1 > piece.from && last.tick > end - 1) {
      points.push({
        tick: piece.to + piece.length - 1,
        value: valueAt(lane.points, end - 1),
        curve: "hold",
      });
    }
  }
  points.sort((a, b) => a.tick - b.tick);
  return { parameter: lane.parameter, points: withoutRedundant(points) };
}

/** The lane's value at a tick, as the engine plays it: linear or held between points. */
export function valueAt(points: AutomationPoint[], tick: number): number {
  const next = points.findIndex((p) => p.tick > tick);
  if (next === 0) return points[0].value;
  if (next === -1) return points[points.length - 1].value;
  const a = points[next - 1];
  const b = points[next];
  if (a.curve === "hold" || b.tick === a.tick) return a.value;
  return a.value + ((b.value - a.value) * (tick - a.tick)) / (b.tick - a.tick);
}

function curveAt(points: AutomationPoint[], tick: number): AutomationPoint["curve"] {
  return points.findLast((p) => p.tick <= tick)?.curve ?? points[0].curve;
}

/** Drops a point between two of the same value when all three hold that value. */
function withoutRedundant(points: AutomationPoint[]): AutomationPoint[] {
  return points.filter((p, i) => {
    const before = points[i - 1];
    const after = points[i + 1];
    return !(before && after && before.value === p.value && after.value === p.value);
  });
}
