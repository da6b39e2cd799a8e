import { type InstrumentEvent, sortInstrumentEvents } from "../../instruments/instrument-event.ts";
import type { InstrumentSettings } from "../../instruments/soundfont-synth.ts";
import { ControlRoomError } from "../../music/errors.ts";
import {
  type AudioSource,
  type AutomationLane,
  type FadeShape,
  Instrument,
  MASTER,
  type NoteClip,
  type Project,
  type TrackKind,
} from "../../music/project.ts";
import type { ChannelStrip, Limiter } from "../../music/strip.ts";
import { TempoMap } from "../../music/tempo-map.ts";

/** An automation lane with its points placed on frames of the render. */
export interface FrameLane {
  parameter: string;
  points: { frame: number; value: number; curve: "linear" | "hold" }[];
}

/** A clip as the engine plays it: everything in frames of the render rate but the source offset. */
export interface PlannedClip {
  id: string;
  sourceId: string;
  /** First render frame the clip sounds on. */
  startFrame: number;
  /** How many render frames it sounds for. */
  frames: number;
  /** First source frame it plays (at the source's rate). */
  offsetFrames: number;
  /** Varispeed: source frames played per source-rate frame of time (1 = as recorded). */
  playbackRate: number;
  gain: number;
  fadeInFrames: number;
  fadeInShape: FadeShape;
  fadeOutFrames: number;
  fadeOutShape: FadeShape;
}

/** An instrument track's synth and everything its note clips play, on frames of the render. */
export interface PlannedInstrument {
  /** `default` or `soundfonts/<file>`, as the document names it. */
  soundfont: string;
  settings: InstrumentSettings;
  /** Sorted for the synth (sortInstrumentEvents). */
  events: InstrumentEvent[];
}

export interface PlannedTrack {
  id: string;
  name: string;
  kind: TrackKind;
  strip: ChannelStrip;
  automation: FrameLane[];
  clips: PlannedClip[];
  /** Instrument tracks: what the synth plays; null on audio tracks and buses. */
  instrument: PlannedInstrument | null;
  /** Index in MixPlan.tracks of the bus this track feeds, or -1 for the master. */
  destination: number;
  /** Index in MixPlan.tracks of the bus each send feeds, in strip.sends order. */
  sendDestinations: number[];
  /** Index in MixPlan.tracks of the track whose pre-fader signal keys this compressor, or -1. */
  keyIndex: number;
  /** True when some compressor keys from this track, so its pre-fader signal is kept. */
  isKey: boolean;
  /** Solo elsewhere silences this track. */
  soloMuted: boolean;
}

export interface MixPlan {
  sampleRate: number;
  /** In processing order: every track after its key and before the buses it feeds. */
  tracks: PlannedTrack[];
  master: { strip: ChannelStrip; limiter: Limiter; automation: FrameLane[] };
  /** The render frame where the last clip (audio or notes) ends. */
  endFrame: number;
  sources: AudioSource[];
  /** The soundfonts instrument tracks play, each named once (soundFontsOf). */
  soundFonts: string[];
}

/**
 * Turns the document into what the engine runs at one sample rate: positions in frames,
 * tracks in dependency order, solo resolved. Pure; the project must already be valid.
 */
export function planMix(project: Project, sampleRate: number): MixPlan {
  const tempo = new TempoMap(project.tempo);
  const toFrame = (tick: number) => tempo.ticksToFrames(tick, sampleRate);
  const lanes = (automation: AutomationLane[]): FrameLane[] =>
    automation.map((lane) => ({
      parameter: lane.parameter,
      points: lane.points.map((p) => ({ frame: toFrame(p.tick), value: p.value, curve: p.curve })),
    }));
  const sources = new Map(project.sources.map((s) => [s.id, s]));

  const order = processingOrder(project);
  const indexOf = new Map(order.map((t, i) => [t.id, i]));
  const audible = soloAudibility(project);
  const keys = new Set(
    project.tracks.map((t) => t.strip.compressor.sidechainTrackId).filter((k) => k !== null),
  );

  let endFrame = 0;
  const tracks: PlannedTrack[] = order.map((track) => {
    const clips = track.clips.map((clip): PlannedClip => {
      const source = sources.get(clip.sourceId);
      if (!source) {
        throw new ControlRoomError(
          "E_PROJECT_INTEGRITY",
          `clip "${clip.id}" has no source`,
          clip.id,
        );
      }
      // Render frames per source frame: the rate conversion, sped up or slowed by varispeed.
      const ratio = sampleRate / (source.sampleRate * clip.playbackRate);
      const startFrame = Math.round(toFrame(clip.startTick));
      const frames = Math.round(clip.lengthFrames * ratio);
      endFrame = Math.max(endFrame, startFrame + frames);
      return {
        id: clip.id,
        sourceId: clip.sourceId,
        startFrame,
        frames,
        offsetFrames: clip.offsetFrames,
        playbackRate: clip.playbackRate,
        gain: clip.mute ? 0 : 10 ** (clip.gainDb / 20),
        fadeInFrames: Math.min(frames, Math.round(clip.fadeIn.frames * ratio)),
        fadeInShape: clip.fadeIn.shape,
        fadeOutFrames: Math.min(frames, Math.round(clip.fadeOut.frames * ratio)),
        fadeOutShape: clip.fadeOut.shape,
      };
    });
    let instrument: PlannedInstrument | null = null;
    if (track.kind === "instrument") {
      const setting = track.instrument ?? Instrument.parse({});
      for (const clip of track.noteClips) {
        endFrame = Math.max(endFrame, Math.round(toFrame(clip.startTick + clip.lengthTicks)));
      }
      instrument = {
        soundfont: setting.soundfont,
        settings: { bank: setting.bank, program: setting.program, drums: setting.drums },
        events: noteClipEvents(track.noteClips, toFrame),
      };
    }
    const key = track.strip.compressor.sidechainTrackId;
    return {
      id: track.id,
      name: track.name,
      kind: track.kind,
      strip: track.strip,
      automation: lanes(track.automation),
      clips: clips.sort((a, b) => a.startFrame - b.startFrame),
      instrument,
      destination: track.output === MASTER ? -1 : indexOf.get(track.output)!,
      sendDestinations: track.strip.sends.map((s) => indexOf.get(s.busId)!),
      keyIndex: key === null ? -1 : indexOf.get(key)!,
      isKey: keys.has(track.id),
      soloMuted: !audible.has(track.id),
    };
  });

  return {
    sampleRate,
    tracks,
    master: {
      strip: project.master.strip,
      limiter: project.master.limiter,
      automation: lanes(project.master.automation),
    },
    endFrame,
    sources: project.sources,
    soundFonts: soundFontsOf(tracks),
  };
}

/** The soundfonts the given tracks play: those of instrument tracks with anything to play. */
export function soundFontsOf(tracks: readonly PlannedTrack[]): string[] {
  const names = tracks.flatMap((t) =>
    t.instrument && t.instrument.events.length > 0 ? [t.instrument.soundfont] : [],
  );
  return [...new Set(names)];
}

/**
 * The MIDI events of a track's note clips on render frames (rounded to the nearest). A
 * clip's end cuts its notes and drops what comes after it; muted clips play nothing. Every
 * note keeps its own note-off, even where notes of one pitch overlap: the synth pairs
 * note-offs with note-ons of a key first in, first out, as MIDI does.
 */
export function noteClipEvents(
  clips: readonly NoteClip[],
  toFrame: (tick: number) => number,
): InstrumentEvent[] {
  const events: InstrumentEvent[] = [];
  const frame = (tick: number) => Math.round(toFrame(tick));
  for (const clip of clips) {
    if (clip.mute) continue;
    const start = clip.startTick;
    const end = clip.startTick + clip.lengthTicks;
    for (const note of clip.notes) {
      if (note.startTick >= clip.lengthTicks) continue;
      const on = frame(start + note.startTick);
      const off = frame(Math.min(end, start + note.startTick + note.lengthTicks));
      if (off <= on) continue;
      events.push({ frame: on, type: "noteOn", pitch: note.pitch, velocity: note.velocity });
      events.push({ frame: off, type: "noteOff", pitch: note.pitch });
    }
    for (const c of clip.controllers) {
      if (c.tick >= clip.lengthTicks) continue;
      events.push({
        frame: frame(start + c.tick),
        type: "controller",
        controller: c.controller,
        value: c.value,
      });
    }
    for (const bend of clip.pitchBends) {
      if (bend.tick >= clip.lengthTicks) continue;
      events.push({ frame: frame(start + bend.tick), type: "pitchBend", value: bend.value });
    }
    for (const change of clip.programChanges) {
      if (change.tick >= clip.lengthTicks) continue;
      events.push({
        frame: frame(start + change.tick),
        type: "program",
        program: change.program,
        bank: change.bank ?? null,
      });
    }
  }
  return sortInstrumentEvents(events);
}

/** Depth-first topological order that keeps the document's order wherever it can. */
function processingOrder(project: Project): Project["tracks"] {
  const byId = new Map(project.tracks.map((t) => [t.id, t]));
  const inputs = new Map<string, string[]>(project.tracks.map((t) => [t.id, []]));
  for (const track of project.tracks) {
    if (track.output !== MASTER) inputs.get(track.output)!.push(track.id);
    for (const send of track.strip.sends) inputs.get(send.busId)!.push(track.id);
    const key = track.strip.compressor.sidechainTrackId;
    if (key !== null) inputs.get(track.id)!.push(key);
  }
  const placed = new Set<string>();
  const order: Project["tracks"] = [];
  const place = (id: string) => {
    if (placed.has(id)) return;
    placed.add(id);
    for (const input of inputs.get(id)!) place(input);
    order.push(byId.get(id)!);
  };
  // Sources first in document order, then buses, so a bus never waits on a later source.
  for (const track of project.tracks) if (track.kind !== "bus") place(track.id);
  for (const track of project.tracks) place(track.id);
  return order;
}

/**
 * Which tracks play when something is soloed: the soloed ones, the solo-safe ones, what
 * they feed (so a soloed track is heard through its buses), and what feeds them (so a
 * soloed bus is heard with its inputs).
 */
function soloAudibility(project: Project): Set<string> {
  const all = new Set(project.tracks.map((t) => t.id));
  const soloed = project.tracks.filter((t) => t.strip.solo).map((t) => t.id);
  if (soloed.length === 0) return all;
  const downstream = new Map<string, string[]>(project.tracks.map((t) => [t.id, []]));
  const upstream = new Map<string, string[]>(project.tracks.map((t) => [t.id, []]));
  for (const t of project.tracks) {
    const targets = t.strip.sends.map((s) => s.busId);
    if (t.output !== MASTER) targets.push(t.output);
    for (const target of targets) {
      downstream.get(t.id)!.push(target);
      upstream.get(target)!.push(t.id);
    }
  }
  const audible = new Set<string>();
  const walk = (id: string, edges: Map<string, string[]>, seen: Set<string>) => {
    if (seen.has(id)) return;
    seen.add(id);
    audible.add(id);
    for (const next of edges.get(id)!) walk(next, edges, seen);
  };
  const heard = [...soloed, ...project.tracks.filter((t) => t.strip.soloSafe).map((t) => t.id)];
  const down = new Set<string>();
  for (const id of heard) walk(id, downstream, down);
  const up = new Set<string>();
  for (const id of soloed) walk(id, upstream, up);
  return audible;
}
