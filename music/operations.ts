import { z } from "zod";
import { deleteSection, duplicateSection, moveSection, setCell } from "./arrangement.ts";
import { ControlRoomError } from "./errors.ts";
import {
  AudioClip,
  AudioSource,
  AutomationLane,
  AutomationPoint,
  Chord,
  Colour,
  Instrument,
  MASTER,
  NoteClip,
  type Project,
  Section,
  Song,
  Syllable,
  Track,
} from "./project.ts";
import { stripSettingSchema } from "./strip.ts";
import { Tempo, TempoMap } from "./tempo-map.ts";
import { setTimeline, type Timeline, timelineOf } from "./timeline.ts";
import { parseProject } from "./validate.ts";

/**
 * Every edit to a project is one of these values. Applying one returns the new document
 * and the operation that undoes it; the same log drives undo/redo, saving and (later) the
 * server's revision history. An operation that fails validation changes nothing.
 */
const Id = z.string().min(1);

/**
 * The fields an edit may change, each optional and none filled in. zod's partial() keeps
 * defaults, so parsing `{ title }` would also reset every defaulted field beside it: an edit
 * from JSON must change exactly what it names.
 */
function changesOf<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
): z.ZodType<Partial<z.output<z.ZodObject<Shape>>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault
        ? (field.unwrap() as z.ZodType)
        : (field as z.ZodType)
      ).optional(),
    ]),
  );
  return z.strictObject(shape) as unknown as z.ZodType<Partial<z.output<z.ZodObject<Shape>>>>;
}

/** A track id, or `master` for the master strip. */
const StripOwner = Id;

/** Every kind of edit but a batch, each a schema of its own (the API documents them by name). */
export const leafOperations = [
  z.strictObject({
    type: z.literal("clip.add"),
    trackId: Id,
    clip: AudioClip,
    index: z.number().int().min(0).optional(),
  }),
  z.strictObject({ type: z.literal("clip.remove"), clipId: Id }),
  z.strictObject({
    type: z.literal("clip.move"),
    clipId: Id,
    toTick: z.number().int().min(0),
    toTrackId: Id.optional(),
  }),
  /** Sets the region of the source a clip plays, and where it sits: what a trim handle does. */
  z.strictObject({
    type: z.literal("clip.trim"),
    clipId: Id,
    startTick: z.number().int().min(0),
    offsetFrames: z.number().int().min(0),
    lengthFrames: z.number().int().min(1),
  }),
  z.strictObject({
    type: z.literal("clip.split"),
    clipId: Id,
    atTick: z.number().int().min(0),
    newClipId: Id,
  }),
  z.strictObject({
    type: z.literal("clip.set"),
    clipId: Id,
    changes: changesOf(AudioClip.pick({ gainDb: true, mute: true, fadeIn: true, fadeOut: true })),
  }),
  /** Sets one channel-strip setting by path, e.g. `eq.1.gainDb` or `compressor.enabled`. */
  z
    .strictObject({
      type: z.literal("param.set"),
      trackId: StripOwner,
      path: z.string().min(1).max(200),
      value: z.unknown(),
    })
    .superRefine((op, context) => {
      const setting = stripSettingSchema(op.path);
      if (setting === undefined) {
        context.addIssue({
          code: "custom",
          path: ["path"],
          message: `"${op.path}" is not a channel-strip setting`,
        });
        return;
      }
      const checked = setting.safeParse(op.value);
      if (!checked.success) {
        context.addIssue({
          code: "custom",
          path: ["value"],
          message: `${op.path}: ${checked.error.issues[0]?.message ?? "not a valid value"}`,
        });
      }
    }),
  z.strictObject({
    type: z.literal("track.add"),
    track: Track,
    index: z.number().int().min(0).optional(),
  }),
  z.strictObject({ type: z.literal("track.remove"), trackId: Id }),
  z.strictObject({
    type: z.literal("track.reorder"),
    trackId: Id,
    toIndex: z.number().int().min(0),
  }),
  z.strictObject({
    type: z.literal("track.rename"),
    trackId: Id,
    name: z.string().min(1).max(200),
  }),
  z.strictObject({ type: z.literal("track.route"), trackId: Id, output: Id }),
  z.strictObject({
    type: z.literal("automation.addPoint"),
    trackId: StripOwner,
    parameter: z.string().min(1),
    point: AutomationPoint,
  }),
  z.strictObject({
    type: z.literal("automation.removePoint"),
    trackId: StripOwner,
    parameter: z.string().min(1),
    index: z.number().int().min(0),
  }),
  z.strictObject({
    type: z.literal("automation.movePoint"),
    trackId: StripOwner,
    parameter: z.string().min(1),
    index: z.number().int().min(0),
    tick: z.number().int().min(0),
    value: z.number(),
  }),
  z.strictObject({ type: z.literal("source.add"), source: AudioSource }),
  z.strictObject({ type: z.literal("source.remove"), sourceId: Id }),
  z.strictObject({
    type: z.literal("section.add"),
    section: Section,
    index: z.number().int().min(0).optional(),
  }),
  z.strictObject({ type: z.literal("section.remove"), sectionId: Id }),
  z.strictObject({
    type: z.literal("section.set"),
    sectionId: Id,
    changes: z.strictObject({ name: z.string().min(1).max(200), colour: Colour }).partial(),
  }),
  /** Moves a section and everything in it to start at toTick; what lay between closes up. */
  z.strictObject({
    type: z.literal("section.move"),
    sectionId: Id,
    toTick: z.number().int().min(0),
  }),
  /** A copy of the section and everything in it follows it. */
  z.strictObject({
    type: z.literal("section.duplicate"),
    sectionId: Id,
    name: z.string().min(1).max(200).optional(),
  }),
  /** Removes the section and everything in it; what follows moves up. */
  z.strictObject({ type: z.literal("section.delete"), sectionId: Id }),
  /** One cell of the arrangement matrix: does this track play in this section? */
  z.strictObject({
    type: z.literal("arrangement.set"),
    trackId: Id,
    sectionId: Id,
    playing: z.boolean(),
    fromSectionId: Id.optional(),
  }),
  /** Replaces everything at a tick at once: what undoes a rearrangement. */
  z.strictObject({
    type: z.literal("timeline.set"),
    timeline: z.strictObject({
      tempo: Tempo,
      sections: z.array(Section),
      chords: z.array(Chord),
      masterAutomation: z.array(AutomationLane),
      tracks: z.array(
        z.strictObject({
          id: Id,
          clips: z.array(AudioClip),
          noteClips: z.array(NoteClip),
          automation: z.array(AutomationLane),
          lyrics: z.array(Syllable),
        }),
      ),
    }),
  }),
  z.strictObject({ type: z.literal("chord.add"), chord: Chord }),
  z.strictObject({ type: z.literal("chord.remove"), tick: z.number().int().min(0) }),
  z.strictObject({ type: z.literal("lyrics.set"), trackId: Id, lyrics: z.array(Syllable) }),
  z.strictObject({
    type: z.literal("track.setInstrument"),
    trackId: Id,
    instrument: Instrument.optional(),
  }),
  z.strictObject({
    type: z.literal("noteClip.add"),
    trackId: Id,
    clip: NoteClip,
    index: z.number().int().min(0).optional(),
  }),
  z.strictObject({ type: z.literal("noteClip.remove"), clipId: Id }),
  /** Replaces a note clip's contents or placement: notes, controllers, start, length, mute. */
  z.strictObject({
    type: z.literal("noteClip.set"),
    clipId: Id,
    changes: changesOf(NoteClip.omit({ id: true })),
  }),
  z.strictObject({ type: z.literal("song.set"), changes: changesOf(Song) }),
  z.strictObject({ type: z.literal("tempo.set"), tempo: Tempo }),
] as const;

type LeafOperation = z.infer<(typeof leafOperations)[number]>;
export type Operation = LeafOperation | { type: "batch"; ops: Operation[] };

export const Operation: z.ZodType<Operation> = z.lazy(() =>
  z.union([
    ...leafOperations,
    z.strictObject({ type: z.literal("batch"), ops: z.array(Operation) }),
  ]),
);

export interface Applied {
  project: Project;
  inverse: Operation;
}

/**
 * Applies an operation to a copy of the project, validates the whole result, and returns
 * it with the inverse operation. The input document is never modified.
 */
export function applyOperation(project: Project, operation: Operation): Applied {
  const draft = structuredClone(project);
  const inverse = mutate(draft, operation);
  return { project: parseProject(draft), inverse };
}

function mutate(p: Project, op: Operation): Operation {
  switch (op.type) {
    case "batch": {
      const inverses: Operation[] = [];
      for (const inner of op.ops) inverses.unshift(mutate(p, inner));
      return { type: "batch", ops: inverses };
    }
    case "clip.add": {
      const track = findTrack(p, op.trackId);
      const index = op.index ?? track.clips.length;
      track.clips.splice(Math.min(index, track.clips.length), 0, structuredClone(op.clip));
      return { type: "clip.remove", clipId: op.clip.id };
    }
    case "clip.remove": {
      const { track, index } = findClip(p, op.clipId);
      const [clip] = track.clips.splice(index, 1);
      return { type: "clip.add", trackId: track.id, clip, index };
    }
    case "clip.move": {
      const { track, index, clip } = findClip(p, op.clipId);
      const inverse: Operation = {
        type: "clip.move",
        clipId: clip.id,
        toTick: clip.startTick,
        toTrackId: track.id,
      };
      clip.startTick = op.toTick;
      if (op.toTrackId !== undefined && op.toTrackId !== track.id) {
        const target = findTrack(p, op.toTrackId);
        track.clips.splice(index, 1);
        target.clips.push(clip);
      }
      return inverse;
    }
    case "clip.trim": {
      const { clip } = findClip(p, op.clipId);
      const inverse: Operation = {
        type: "clip.trim",
        clipId: clip.id,
        startTick: clip.startTick,
        offsetFrames: clip.offsetFrames,
        lengthFrames: clip.lengthFrames,
      };
      clip.startTick = op.startTick;
      clip.offsetFrames = op.offsetFrames;
      clip.lengthFrames = op.lengthFrames;
      clip.fadeIn.frames = Math.min(clip.fadeIn.frames, clip.lengthFrames);
      clip.fadeOut.frames = Math.min(clip.fadeOut.frames, clip.lengthFrames - clip.fadeIn.frames);
      return inverse;
    }
    case "clip.split": {
      const { track, index, clip } = findClip(p, op.clipId);
      const source = p.sources.find((s) => s.id === clip.sourceId);
      if (!source) throw opError(`clip "${clip.id}" refers to a missing source`, "clipId");
      const splitFrames = sourceFramesBetween(
        p,
        { sampleRate: source.sampleRate * clip.playbackRate },
        clip.startTick,
        op.atTick,
      );
      if (splitFrames <= 0 || splitFrames >= clip.lengthFrames) {
        throw opError(`tick ${op.atTick} is not inside clip "${clip.id}"`, "atTick");
      }
      const before = structuredClone(clip);
      const right: AudioClip = {
        ...structuredClone(clip),
        id: op.newClipId,
        startTick: op.atTick,
        offsetFrames: clip.offsetFrames + splitFrames,
        lengthFrames: clip.lengthFrames - splitFrames,
        fadeIn: { frames: 0, shape: clip.fadeIn.shape },
      };
      right.fadeOut.frames = Math.min(right.fadeOut.frames, right.lengthFrames);
      clip.lengthFrames = splitFrames;
      clip.fadeOut = { frames: 0, shape: clip.fadeOut.shape };
      clip.fadeIn.frames = Math.min(clip.fadeIn.frames, splitFrames);
      track.clips.splice(index + 1, 0, right);
      return {
        type: "batch",
        ops: [
          { type: "clip.remove", clipId: op.newClipId },
          { type: "clip.remove", clipId: clip.id },
          { type: "clip.add", trackId: track.id, clip: before, index },
        ],
      };
    }
    case "clip.set": {
      const { clip } = findClip(p, op.clipId);
      const previous: Record<string, unknown> = {};
      for (const key of Object.keys(op.changes) as (keyof typeof op.changes)[]) {
        previous[key] = structuredClone(clip[key]);
      }
      Object.assign(clip, structuredClone(op.changes));
      return { type: "clip.set", clipId: clip.id, changes: previous };
    }
    case "param.set": {
      const strip = op.trackId === MASTER ? p.master.strip : findTrack(p, op.trackId).strip;
      const previous = setPath(strip as unknown as Record<string, unknown>, op.path, op.value);
      return { type: "param.set", trackId: op.trackId, path: op.path, value: previous };
    }
    case "track.add": {
      const index = Math.min(op.index ?? p.tracks.length, p.tracks.length);
      p.tracks.splice(index, 0, structuredClone(op.track));
      return { type: "track.remove", trackId: op.track.id };
    }
    case "track.remove": {
      const index = trackIndex(p, op.trackId);
      const [track] = p.tracks.splice(index, 1);
      return { type: "track.add", track, index };
    }
    case "track.reorder": {
      const from = trackIndex(p, op.trackId);
      const [track] = p.tracks.splice(from, 1);
      p.tracks.splice(Math.min(op.toIndex, p.tracks.length), 0, track);
      return { type: "track.reorder", trackId: op.trackId, toIndex: from };
    }
    case "track.rename": {
      const track = findTrack(p, op.trackId);
      const inverse: Operation = { type: "track.rename", trackId: track.id, name: track.name };
      track.name = op.name;
      return inverse;
    }
    case "track.route": {
      const track = findTrack(p, op.trackId);
      const inverse: Operation = { type: "track.route", trackId: track.id, output: track.output };
      track.output = op.output;
      return inverse;
    }
    case "automation.addPoint": {
      const lanes = automationOf(p, op.trackId);
      let lane = lanes.find((l) => l.parameter === op.parameter);
      if (!lane) {
        lane = { parameter: op.parameter, points: [] };
        lanes.push(lane);
      }
      // After any points at the same tick, so a second point there makes a step.
      let index = lane.points.findIndex((pt) => pt.tick > op.point.tick);
      if (index === -1) index = lane.points.length;
      lane.points.splice(index, 0, structuredClone(op.point));
      return {
        type: "automation.removePoint",
        trackId: op.trackId,
        parameter: op.parameter,
        index,
      };
    }
    case "automation.removePoint": {
      const lanes = automationOf(p, op.trackId);
      const laneIndex = lanes.findIndex((l) => l.parameter === op.parameter);
      const lane = lanes[laneIndex];
      if (!lane || op.index >= lane.points.length) {
        throw opError(`there is no point ${op.index} on the ${op.parameter} lane`, "index");
      }
      const [point] = lane.points.splice(op.index, 1);
      if (lane.points.length === 0) lanes.splice(laneIndex, 1);
      return { type: "automation.addPoint", trackId: op.trackId, parameter: op.parameter, point };
    }
    case "automation.movePoint": {
      const lane = automationOf(p, op.trackId).find((l) => l.parameter === op.parameter);
      const point = lane?.points[op.index];
      if (!lane || !point) {
        throw opError(`there is no point ${op.index} on the ${op.parameter} lane`, "index");
      }
      const inverse: Operation = {
        type: "automation.movePoint",
        trackId: op.trackId,
        parameter: op.parameter,
        index: op.index,
        tick: point.tick,
        value: point.value,
      };
      point.tick = op.tick;
      point.value = op.value;
      return inverse;
    }
    case "source.add": {
      p.sources.push(structuredClone(op.source));
      return { type: "source.remove", sourceId: op.source.id };
    }
    case "source.remove": {
      const index = p.sources.findIndex((s) => s.id === op.sourceId);
      if (index === -1) throw opError(`there is no source "${op.sourceId}"`, "sourceId");
      const [source] = p.sources.splice(index, 1);
      return { type: "source.add", source };
    }
    case "section.add": {
      const index = Math.min(op.index ?? p.sections.length, p.sections.length);
      p.sections.splice(index, 0, structuredClone(op.section));
      return { type: "section.remove", sectionId: op.section.id };
    }
    case "section.remove": {
      const index = p.sections.findIndex((s) => s.id === op.sectionId);
      if (index === -1) throw opError(`there is no section "${op.sectionId}"`, "sectionId");
      const [section] = p.sections.splice(index, 1);
      return { type: "section.add", section, index };
    }
    case "section.set": {
      const section = p.sections.find((x) => x.id === op.sectionId);
      if (!section) throw opError(`there is no section "${op.sectionId}"`, "sectionId");
      const previous: Record<string, unknown> = {};
      for (const key of Object.keys(op.changes) as (keyof typeof op.changes)[]) {
        previous[key] = section[key];
      }
      Object.assign(section, op.changes);
      return { type: "section.set", sectionId: section.id, changes: previous };
    }
    case "section.move":
      return rearranged(p, moveSection(p, op.sectionId, op.toTick));
    case "section.duplicate": {
      const { timeline, copyId } = duplicateSection(p, op.sectionId);
      if (op.name !== undefined) timeline.sections.find((x) => x.id === copyId)!.name = op.name;
      return rearranged(p, timeline);
    }
    case "section.delete":
      return rearranged(p, deleteSection(p, op.sectionId));
    case "arrangement.set":
      return rearranged(p, setCell(p, op.trackId, op.sectionId, op.playing, op.fromSectionId));
    case "timeline.set":
      return rearranged(p, op.timeline);
    case "chord.add": {
      const index = p.chords.findIndex((c) => c.tick === op.chord.tick);
      const previous = index === -1 ? null : p.chords.splice(index, 1)[0];
      p.chords.push(structuredClone(op.chord));
      p.chords.sort((a, b) => a.tick - b.tick);
      return previous
        ? { type: "chord.add", chord: previous }
        : { type: "chord.remove", tick: op.chord.tick };
    }
    case "chord.remove": {
      const index = p.chords.findIndex((c) => c.tick === op.tick);
      if (index === -1) throw opError(`there is no chord at tick ${op.tick}`, "tick");
      const [chord] = p.chords.splice(index, 1);
      return { type: "chord.add", chord };
    }
    case "lyrics.set": {
      const track = findTrack(p, op.trackId);
      const previous = track.lyrics;
      track.lyrics = structuredClone(op.lyrics).sort((a, b) => a.tick - b.tick);
      return { type: "lyrics.set", trackId: track.id, lyrics: previous };
    }
    case "track.setInstrument": {
      const track = findTrack(p, op.trackId);
      const previous = track.instrument;
      if (op.instrument === undefined) delete track.instrument;
      else track.instrument = structuredClone(op.instrument);
      return { type: "track.setInstrument", trackId: track.id, instrument: previous };
    }
    case "noteClip.add": {
      const track = findTrack(p, op.trackId);
      const index = Math.min(op.index ?? track.noteClips.length, track.noteClips.length);
      track.noteClips.splice(index, 0, structuredClone(op.clip));
      return { type: "noteClip.remove", clipId: op.clip.id };
    }
    case "noteClip.remove": {
      const { track, index } = findNoteClip(p, op.clipId);
      const [clip] = track.noteClips.splice(index, 1);
      return { type: "noteClip.add", trackId: track.id, clip, index };
    }
    case "noteClip.set": {
      const { clip } = findNoteClip(p, op.clipId);
      const previous: Record<string, unknown> = {};
      for (const key of Object.keys(op.changes) as (keyof typeof op.changes)[]) {
        previous[key] = structuredClone(clip[key]);
      }
      Object.assign(clip, structuredClone(op.changes));
      return { type: "noteClip.set", clipId: clip.id, changes: previous };
    }
    case "song.set": {
      const previous: Record<string, unknown> = {};
      for (const key of Object.keys(op.changes) as (keyof Project["song"])[]) {
        previous[key] = p.song[key];
      }
      Object.assign(p.song, op.changes);
      return { type: "song.set", changes: previous };
    }
    case "tempo.set": {
      const previous = p.tempo;
      p.tempo = structuredClone(op.tempo);
      return { type: "tempo.set", tempo: previous };
    }
  }
}

/** Source frames that play between two ticks on the timeline, at the source's own rate. */
export function sourceFramesBetween(
  p: Project,
  source: { sampleRate: number },
  fromTick: number,
  toTick: number,
): number {
  const map = new TempoMap(p.tempo);
  const seconds = map.ticksToSeconds(toTick) - map.ticksToSeconds(fromTick);
  return Math.round(seconds * source.sampleRate);
}

function opError(message: string, field: string): ControlRoomError {
  return new ControlRoomError("E_OPERATION", message, field);
}

function trackIndex(p: Project, trackId: string): number {
  const index = p.tracks.findIndex((t) => t.id === trackId);
  if (index === -1) throw opError(`there is no track "${trackId}"`, "trackId");
  return index;
}

function findTrack(p: Project, trackId: string): Track {
  return p.tracks[trackIndex(p, trackId)];
}

function findClip(p: Project, clipId: string): { track: Track; index: number; clip: AudioClip } {
  for (const track of p.tracks) {
    const index = track.clips.findIndex((c) => c.id === clipId);
    if (index !== -1) return { track, index, clip: track.clips[index] };
  }
  throw opError(`there is no clip "${clipId}"`, "clipId");
}

function findNoteClip(
  p: Project,
  clipId: string,
): { track: Track; index: number; clip: Project["tracks"][number]["noteClips"][number] } {
  for (const track of p.tracks) {
    const index = track.noteClips.findIndex((c) => c.id === clipId);
    if (index !== -1) return { track, index, clip: track.noteClips[index] };
  }
  throw opError(`there is no note clip "${clipId}"`, "clipId");
}

/** Puts a rearranged timeline in place and returns what restores the one before. */
function rearranged(p: Project, timeline: Timeline): Operation {
  const before = timelineOf(p);
  setTimeline(p, timeline);
  return { type: "timeline.set", timeline: before };
}

function automationOf(p: Project, owner: string): Project["master"]["automation"] {
  return owner === MASTER ? p.master.automation : findTrack(p, owner).automation;
}

/** Sets a dotted path inside an object and returns the value it replaced. */
function setPath(root: Record<string, unknown>, path: string, value: unknown): unknown {
  const keys = path.split(".");
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) {
      throw opError(`"${path}" is not a channel-strip setting`, "path");
    }
    node = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!(last in node)) throw opError(`"${path}" is not a channel-strip setting`, "path");
  const previous = structuredClone(node[last]);
  node[last] = structuredClone(value);
  return previous;
}
