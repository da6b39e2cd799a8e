import { ControlRoomError } from "../../music/errors.ts";
import {
  type AudioSource,
  type AutomationLane,
  type FadeShape,
  MASTER,
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

export interface PlannedTrack {
  id: string;
  name: string;
  kind: TrackKind;
  strip: ChannelStrip;
  automation: FrameLane[];
  clips: PlannedClip[];
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
  /** The render frame where the last clip ends. */
  endFrame: number;
  sources: AudioSource[];
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
    const key = track.strip.compressor.sidechainTrackId;
    return {
      id: track.id,
      name: track.name,
      kind: track.kind,
      strip: track.strip,
      automation: lanes(track.automation),
      clips: clips.sort((a, b) => a.startFrame - b.startFrame),
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
  };
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
