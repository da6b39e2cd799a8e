import { z } from "zod";
import { ChannelStrip, Limiter } from "./strip.ts";
import { Tempo } from "./tempo-map.ts";

/**
 * The project document: one versioned schema. Positions on the timeline are ticks
 * (960 PPQ) through the tempo map; offsets and lengths inside audio are frames of the
 * source, because audio does not stretch when the tempo changes.
 */
export const SCHEMA_VERSION = 1;

const Id = z.string().min(1).max(200);

export const Song = z.strictObject({
  title: z.string().max(500).default("Untitled"),
  artist: z.string().max(500).default(""),
  /** The rate the project mixes and renders at unless a render asks for another. */
  sampleRate: z.number().int().min(8000).max(384_000).default(48_000),
  notes: z.string().max(20_000).default(""),
});
export type Song = z.infer<typeof Song>;

export const Section = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200),
  startTick: z.number().int().min(0),
  lengthTicks: z.number().int().min(1),
});
export type Section = z.infer<typeof Section>;

/** An audio file in the project's `audio/` folder, as the clips refer to it. */
export const AudioSource = z.strictObject({
  id: Id,
  /** Path relative to the project folder, always under `audio/`. */
  file: z
    .string()
    .regex(/^audio\/[^/\\]+$/, "must be a file name inside audio/")
    .refine((f) => !f.includes(".."), "must not climb out of the project"),
  sampleRate: z.number().int().min(8000).max(384_000),
  channels: z.number().int().min(1).max(8),
  frames: z.number().int().min(0),
});
export type AudioSource = z.infer<typeof AudioSource>;

export const FadeShape = z.enum(["linear", "equalPower", "exponential"]);
export type FadeShape = z.infer<typeof FadeShape>;

export const Fade = z.strictObject({
  /** Length in frames of the source. 0 is no fade. */
  frames: z.number().int().min(0).default(0),
  shape: FadeShape.default("linear"),
});
export type Fade = z.infer<typeof Fade>;

export const AudioClip = z.strictObject({
  id: Id,
  sourceId: Id,
  startTick: z.number().int().min(0),
  /** First frame of the source that plays. */
  offsetFrames: z.number().int().min(0).default(0),
  lengthFrames: z.number().int().min(1),
  gainDb: z.number().min(-144).max(24).default(0),
  mute: z.boolean().default(false),
  fadeIn: Fade.default({ frames: 0, shape: "linear" }),
  fadeOut: Fade.default({ frames: 0, shape: "linear" }),
});
export type AudioClip = z.infer<typeof AudioClip>;

export const AutomationCurve = z.enum(["linear", "hold"]);
export type AutomationCurve = z.infer<typeof AutomationCurve>;

export const AutomationPoint = z.strictObject({
  tick: z.number().int().min(0),
  value: z.number(),
  /** Shape of the segment from this point to the next. */
  curve: AutomationCurve.default("linear"),
});
export type AutomationPoint = z.infer<typeof AutomationPoint>;

export const AutomationLane = z.strictObject({
  /** A path into the channel strip, e.g. `faderDb`, `eq.1.gainDb`, `sends.<id>.levelDb`. */
  parameter: z.string().min(1),
  points: z.array(AutomationPoint),
});
export type AutomationLane = z.infer<typeof AutomationLane>;

export const MASTER = "master";

export const TrackKind = z.enum(["audio", "instrument", "bus"]);
export type TrackKind = z.infer<typeof TrackKind>;

export const Track = z.strictObject({
  id: Id.refine((id) => id !== MASTER, "`master` is reserved for the master bus"),
  name: z.string().min(1).max(200),
  kind: TrackKind,
  strip: ChannelStrip.default(ChannelStrip.parse({})),
  /** A bus track id, or `master`. */
  output: Id.default(MASTER),
  clips: z.array(AudioClip).default([]),
  automation: z.array(AutomationLane).default([]),
});
export type Track = z.infer<typeof Track>;

/** The master and buses sum stereo mixes, so their pan defaults to the 0 dB law: centre is unity. */
export const Master = z.strictObject({
  strip: ChannelStrip.default(ChannelStrip.parse({ panLaw: "0dB" })),
  limiter: Limiter.default(Limiter.parse({})),
  automation: z.array(AutomationLane).default([]),
});
export type Master = z.infer<typeof Master>;

export const Project = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  song: Song.default(Song.parse({})),
  tempo: Tempo.default({
    changes: [{ tick: 0, bpm: 120 }],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
  }),
  sections: z.array(Section).default([]),
  sources: z.array(AudioSource).default([]),
  tracks: z.array(Track).default([]),
  master: Master.default(Master.parse({})),
});
export type Project = z.infer<typeof Project>;
/** What a file may hold before defaults are filled in. */
export type ProjectInput = z.input<typeof Project>;

export function emptyProject(song: Partial<Song> = {}): Project {
  return Project.parse({ schemaVersion: SCHEMA_VERSION, song });
}
