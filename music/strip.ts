import { z } from "zod";

/**
 * The channel strip as the document stores it: what the engineer set on the console.
 * Order of processing (engine/strip): trim and polarity → high-pass → low-pass → EQ →
 * compressor → pre-fader sends → fader and mute → pan → post-fader sends.
 */

export const FilterSlope = z.union([z.literal(12), z.literal(24)]);
export type FilterSlope = z.infer<typeof FilterSlope>;

export const PassFilter = z.strictObject({
  enabled: z.boolean().default(false),
  frequency: z.number().min(10).max(40_000),
  /** dB per octave: 12 is one Butterworth biquad, 24 is a 4th-order Butterworth pair. */
  slope: FilterSlope.default(12),
});
export type PassFilter = z.infer<typeof PassFilter>;

export const EqBandType = z.enum(["lowShelf", "peak", "highShelf"]);
export type EqBandType = z.infer<typeof EqBandType>;

export const EqBand = z.strictObject({
  type: EqBandType,
  enabled: z.boolean().default(true),
  frequency: z.number().min(10).max(40_000),
  gainDb: z.number().min(-30).max(30).default(0),
  /** Peak bandwidth as Q; for shelves the RBJ shelf Q (0.7071 is the steepest without overshoot). */
  q: z.number().min(0.05).max(40).default(Math.SQRT1_2),
});
export type EqBand = z.infer<typeof EqBand>;

export const CompressorDetection = z.enum(["peak", "rms"]);
export type CompressorDetection = z.infer<typeof CompressorDetection>;

export const Compressor = z.strictObject({
  enabled: z.boolean().default(false),
  thresholdDb: z.number().min(-80).max(0).default(-18),
  ratio: z.number().min(1).max(100).default(4),
  /** Knee width in dB; 0 is a hard knee. */
  kneeDb: z.number().min(0).max(40).default(0),
  attackMs: z.number().min(0.01).max(1000).default(10),
  releaseMs: z.number().min(1).max(5000).default(100),
  makeupDb: z.number().min(-30).max(40).default(0),
  detection: CompressorDetection.default("peak"),
  /** Key the detector from another track's pre-fader signal instead of this track's own. */
  sidechainTrackId: z.string().nullable().default(null),
});
export type Compressor = z.infer<typeof Compressor>;

/** Gain at centre and the curve's shape; see engine/dsp/pan-law.ts for the formulas. */
export const PanLaw = z.enum(["-3dB", "-4.5dB", "-6dB", "0dB"]);
export type PanLaw = z.infer<typeof PanLaw>;

export const Send = z.strictObject({
  id: z.string().min(1),
  busId: z.string().min(1),
  levelDb: z.number().min(-144).max(12).default(0),
  preFader: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type Send = z.infer<typeof Send>;

export const DEFAULT_EQ_BANDS: EqBand[] = [
  { type: "lowShelf", enabled: false, frequency: 100, gainDb: 0, q: Math.SQRT1_2 },
  { type: "peak", enabled: false, frequency: 500, gainDb: 0, q: 1 },
  { type: "peak", enabled: false, frequency: 2500, gainDb: 0, q: 1 },
  { type: "highShelf", enabled: false, frequency: 8000, gainDb: 0, q: Math.SQRT1_2 },
];

export const ChannelStrip = z.strictObject({
  trimDb: z.number().min(-48).max(48).default(0),
  /** Inverts the signal (polarity, often mislabelled "phase"). */
  invertPolarity: z.boolean().default(false),
  highPass: PassFilter.default({ enabled: false, frequency: 80, slope: 12 }),
  lowPass: PassFilter.default({ enabled: false, frequency: 18_000, slope: 12 }),
  eq: z
    .array(EqBand)
    .length(4)
    .default(() => DEFAULT_EQ_BANDS.map((band) => ({ ...band }))),
  compressor: Compressor.default(Compressor.parse({})),
  faderDb: z.number().min(-144).max(12).default(0),
  /** −1 is hard left, 0 centre, +1 hard right. For stereo sources it is a balance. */
  pan: z.number().min(-1).max(1).default(0),
  panLaw: PanLaw.default("-3dB"),
  mute: z.boolean().default(false),
  solo: z.boolean().default(false),
  /** A solo-safe channel keeps playing when other channels are soloed (reverb returns). */
  soloSafe: z.boolean().default(false),
  sends: z.array(Send).default([]),
});
export type ChannelStrip = z.infer<typeof ChannelStrip>;

export const Limiter = z.strictObject({
  enabled: z.boolean().default(true),
  ceilingDb: z.number().min(-30).max(0).default(-1),
  lookaheadMs: z.number().min(0.1).max(20).default(5),
  releaseMs: z.number().min(1).max(2000).default(100),
  /** Detect inter-sample peaks (BS.1770 Annex 2), as a master for delivery needs. */
  truePeak: z.boolean().default(false),
});
export type Limiter = z.infer<typeof Limiter>;

/** A neutral strip: every processor off, unity gain, centre pan under the −3 dB law. */
export function neutralStrip(): ChannelStrip {
  return ChannelStrip.parse({});
}

/**
 * The numeric and boolean strip parameters an automation lane may drive, as paths into
 * ChannelStrip. Booleans are automated as 0/1 with hold points.
 */
export const AUTOMATABLE_PARAMETERS = [
  "trimDb",
  "highPass.frequency",
  "lowPass.frequency",
  "eq.0.frequency",
  "eq.0.gainDb",
  "eq.0.q",
  "eq.1.frequency",
  "eq.1.gainDb",
  "eq.1.q",
  "eq.2.frequency",
  "eq.2.gainDb",
  "eq.2.q",
  "eq.3.frequency",
  "eq.3.gainDb",
  "eq.3.q",
  "compressor.thresholdDb",
  "compressor.ratio",
  "compressor.makeupDb",
  "faderDb",
  "pan",
  "mute",
] as const;

/** Send levels are automatable too, as `sends.<sendId>.levelDb`. */
export function isAutomatableParameter(path: string): boolean {
  return (
    (AUTOMATABLE_PARAMETERS as readonly string[]).includes(path) ||
    /^sends\.[^.]+\.levelDb$/.test(path)
  );
}

/**
 * The schema of the strip setting at `path` (`faderDb`, `eq.1.gainDb`, `sends.0.levelDb`,
 * `compressor`), or undefined when the strip has no such setting. Walks ChannelStrip itself,
 * so a setting exists exactly when the schema defines it: nothing inherited (`constructor`,
 * `__proto__`), no index past a fixed-length list (the four EQ bands).
 */
export function stripSettingSchema(path: string): z.ZodType | undefined {
  let schema: z.ZodType = ChannelStrip;
  for (const key of path.split(".")) {
    schema = unwrapped(schema);
    if (schema instanceof z.ZodObject) {
      const shape = schema.shape as Record<string, z.ZodType>;
      if (!Object.hasOwn(shape, key)) return undefined;
      schema = shape[key];
    } else if (schema instanceof z.ZodArray) {
      if (!/^(0|[1-9]\d{0,3})$/.test(key)) return undefined;
      if (Number(key) >= fixedLength(schema)) return undefined;
      schema = schema.element as z.ZodType;
    } else return undefined;
  }
  return schema;
}

/** The length a list must have (the EQ's four bands), or Infinity. */
function fixedLength(schema: z.ZodArray): number {
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string; length?: number };
    if (def.check === "length_equals" && def.length !== undefined) return def.length;
  }
  return Number.POSITIVE_INFINITY;
}

function unwrapped(schema: z.ZodType): z.ZodType {
  while (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  ) {
    schema = schema.unwrap() as z.ZodType;
  }
  return schema;
}
