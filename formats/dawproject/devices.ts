import type { Instrument } from "../../music/project.ts";
import type { Limiter } from "../../music/strip.ts";
import {
  type ChannelStrip,
  type Compressor,
  DEFAULT_EQ_BANDS,
  type EqBand,
  type PassFilter,
} from "../../music/strip.ts";
import {
  booleanAttribute,
  clamp,
  decibelsToLinear,
  finiteAttribute,
  realParameter,
  toDecibels,
  toHertz,
  toMilliseconds,
  type Where,
} from "./units.ts";
import { child, childrenNamed, el, type XmlElement } from "./xml.ts";

/**
 * The built-in devices of DAWproject that our channel strip can be: an Equalizer onto the
 * high-pass, low-pass and four EQ bands, a Compressor onto the strip's compressor, and a
 * Limiter on the master onto the master limiter. Our exports mark theirs with these device
 * ids so an import finds them again even behind other devices.
 */
export const STRIP_EQ_DEVICE_ID = "controlroom.strip.eq";
export const STRIP_COMPRESSOR_DEVICE_ID = "controlroom.strip.compressor";
export const MASTER_LIMITER_DEVICE_ID = "controlroom.master.limiter";
/** An instrument track's General MIDI program from a soundfont, as a BuiltinDevice. */
export const SOUNDFONT_DEVICE_ID = "controlroom.soundfont";

/**
 * What DAWproject's built-in devices have no element for goes in the device's generic
 * `<Parameters>` (Project.xsd, device), named as we name it: the compressor's knee, its
 * detector and its sidechain key (an EnumParameter whose second label is the key channel's
 * id), an instrument's program, bank and drum kit. Other programs may ignore them; ours reads
 * them back.
 */
function namedParameter(device: XmlElement, name: string): XmlElement | undefined {
  const parameters = child(device, "Parameters");
  return parameters?.children.find((p) => p.attributes.name === name);
}

function enumLabel(device: XmlElement, name: string, where: Where): string | undefined {
  const p = namedParameter(device, name);
  if (!p) return undefined;
  const index = finiteAttribute(p, "value", where);
  const labels = (p.attributes.labels ?? "").split(/\s+/);
  return index === undefined ? undefined : labels[index];
}

function enabledOf(element: XmlElement, name: string, where: Where): boolean | undefined {
  const param = child(element, name);
  return param ? booleanAttribute(param, "value", where) : undefined;
}

function realOf(
  element: XmlElement,
  name: string,
  where: Where,
): ReturnType<typeof realParameter> | undefined {
  const param = child(element, name);
  return param ? realParameter(param, { ...where, path: `${where.path} > ${name}` }) : undefined;
}

/** Maps an Equalizer onto the strip's filters and EQ; returns what did not fit. */
export function equalizerOntoStrip(
  device: XmlElement,
  strip: ChannelStrip,
  where: Where,
): string[] {
  const dropped: string[] = [];
  const deviceOn = enabledOf(device, "Enabled", where) ?? true;
  const eq: EqBand[] = DEFAULT_EQ_BANDS.map((b) => ({ ...b }));
  let slot = 0;
  let highPass: PassFilter | undefined;
  let lowPass: PassFilter | undefined;
  childrenNamed(device, "Band").forEach((band, index) => {
    const at = { ...where, path: `${where.path} > Band ${index + 1}` };
    const type = band.attributes.type;
    const freqParam = realOf(band, "Freq", at);
    const frequency =
      freqParam?.value === undefined
        ? undefined
        : toHertz(freqParam.value, freqParam.unit, freqParam);
    const gainParam = realOf(band, "Gain", at);
    const gain =
      gainParam?.value === undefined ? 0 : toDecibels(gainParam.value, gainParam.unit, gainParam);
    const qParam = realOf(band, "Q", at);
    const q = qParam?.value;
    const enabled = deviceOn && (enabledOf(band, "Enabled", at) ?? true);
    if (frequency === undefined || !Number.isFinite(frequency) || frequency <= 0) {
      dropped.push(`band ${index + 1} (${type}): its frequency is not in hertz or semitones`);
      return;
    }
    const hz = clamp(frequency, 10, 40_000);
    const order = finiteAttribute(band, "order", at);
    if (type === "highPass" || type === "lowPass") {
      if ((type === "highPass" ? highPass : lowPass) !== undefined) {
        dropped.push(`band ${index + 1} (${type}): the strip has one ${type} filter`);
        return;
      }
      // Bitwig writes the filter order here (8 = 48 dB/octave); the strip goes to 24.
      const slope = order !== undefined && order >= 4 ? 24 : 12;
      if (order !== undefined && order > 4) {
        dropped.push(`band ${index + 1} (${type}): order ${order} is played at 24 dB/octave`);
      }
      const filter: PassFilter = { enabled, frequency: hz, slope };
      if (type === "highPass") highPass = filter;
      else lowPass = filter;
      return;
    }
    const ours =
      type === "bell"
        ? "peak"
        : type === "lowShelf"
          ? "lowShelf"
          : type === "highShelf"
            ? "highShelf"
            : undefined;
    if (ours === undefined) {
      dropped.push(`band ${index + 1} (${type}): the strip EQ has no ${type} band`);
      return;
    }
    if (slot >= eq.length) {
      dropped.push(`band ${index + 1} (${type}): the strip EQ has ${eq.length} bands`);
      return;
    }
    eq[slot++] = {
      type: ours,
      enabled,
      frequency: hz,
      gainDb: clamp(gain !== undefined && Number.isFinite(gain) ? gain : 0, -30, 30),
      q: clamp(q !== undefined && Number.isFinite(q) ? q : Math.SQRT1_2, 0.05, 40),
    };
  });
  strip.eq = eq;
  if (highPass) strip.highPass = highPass;
  if (lowPass) strip.lowPass = lowPass;
  return dropped;
}

/**
 * Maps a Compressor onto the strip's compressor; returns the id of the channel that keys it,
 * when the device names one (ours do), for the importer to resolve once every channel is known.
 */
export function compressorOntoStrip(
  device: XmlElement,
  strip: ChannelStrip,
  where: Where,
): string | undefined {
  const c: Compressor = {
    ...strip.compressor,
    enabled: enabledOf(device, "Enabled", where) ?? true,
  };
  const knee = namedParameter(device, "Knee");
  if (knee) {
    const p = realParameter(knee, { ...where, path: `${where.path} > Knee` });
    const db = p.value === undefined ? undefined : toDecibels(p.value, p.unit, p);
    if (db !== undefined && Number.isFinite(db)) c.kneeDb = clamp(db, 0, 40);
  }
  const detection = enumLabel(device, "Detection", where);
  if (detection === "peak" || detection === "rms") c.detection = detection;
  const key = enumLabel(device, "Sidechain", where);
  const threshold = realOf(device, "Threshold", where);
  if (threshold?.value !== undefined) {
    const db = toDecibels(threshold.value, threshold.unit, threshold);
    if (db !== undefined && Number.isFinite(db)) c.thresholdDb = clamp(db, -80, 0);
  }
  const ratio = realOf(device, "Ratio", where);
  if (ratio?.value !== undefined && Number.isFinite(ratio.value)) {
    // Ratio as a percentage is how far towards limiting: 0 % is 1:1, 100 % is ∞:1.
    const r = ratio.unit === "percent" ? 1 / Math.max(1e-6, 1 - ratio.value / 100) : ratio.value;
    c.ratio = clamp(r, 1, 100);
  }
  const attack = realOf(device, "Attack", where);
  if (attack?.value !== undefined) {
    const ms = toMilliseconds(attack.value, attack.unit);
    if (ms !== undefined && Number.isFinite(ms)) c.attackMs = clamp(ms, 0.01, 1000);
  }
  const release = realOf(device, "Release", where);
  if (release?.value !== undefined) {
    const ms = toMilliseconds(release.value, release.unit);
    if (ms !== undefined && Number.isFinite(ms)) c.releaseMs = clamp(ms, 1, 5000);
  }
  const output = realOf(device, "OutputGain", where);
  if (output?.value !== undefined) {
    const db = toDecibels(output.value, output.unit, output);
    if (db !== undefined && Number.isFinite(db)) c.makeupDb = clamp(db, -30, 40);
  }
  strip.compressor = c;
  return key === undefined || key === "none" ? undefined : key;
}

/** An instrument track's program from our soundfont device, if the device is ours. */
export function instrumentOfDevice(device: XmlElement, where: Where): Instrument | undefined {
  if (device.attributes.deviceID !== SOUNDFONT_DEVICE_ID) return undefined;
  const integer = (name: string, min: number, max: number) => {
    const p = namedParameter(device, name);
    const value = p ? finiteAttribute(p, "value", where) : undefined;
    return value === undefined ? min : clamp(Math.round(value), min, max);
  };
  const drums = namedParameter(device, "Drums");
  return {
    soundfont: "default",
    bank: integer("Bank", 0, 16_383),
    program: integer("Program", 0, 127),
    drums: drums ? (booleanAttribute(drums, "value", where) ?? false) : false,
  };
}

/** An instrument on the default soundfont as our BuiltinDevice. */
export function soundFontDevice(instrument: Instrument, id: string): XmlElement {
  return el(
    "BuiltinDevice",
    {
      id,
      name: "SoundFont",
      deviceID: SOUNDFONT_DEVICE_ID,
      deviceName: "Control Room SoundFont",
      deviceRole: "instrument",
      deviceVendor: "Control Room",
      loaded: true,
    },
    [
      el("Parameters", {}, [
        el("IntegerParameter", { name: "Program", min: 0, max: 127, value: instrument.program }),
        el("IntegerParameter", { name: "Bank", min: 0, max: 16_383, value: instrument.bank }),
        el("BoolParameter", { name: "Drums", value: instrument.drums }),
      ]),
      bool("Enabled", true),
    ],
  );
}

export function limiterOntoMaster(device: XmlElement, limiter: Limiter, where: Where): Limiter {
  const out: Limiter = { ...limiter, enabled: enabledOf(device, "Enabled", where) ?? true };
  const threshold = realOf(device, "Threshold", where);
  if (threshold?.value !== undefined) {
    const db = toDecibels(threshold.value, threshold.unit, threshold);
    if (db !== undefined && Number.isFinite(db)) out.ceilingDb = clamp(db, -30, 0);
  }
  const release = realOf(device, "Release", where);
  if (release?.value !== undefined) {
    const ms = toMilliseconds(release.value, release.unit);
    if (ms !== undefined && Number.isFinite(ms)) out.releaseMs = clamp(ms, 1, 2000);
  }
  return out;
}

const real = (name: string, value: number, unit: string, min?: number, max?: number) =>
  el(name, { max, min, unit, value });
const bool = (name: string, value: boolean) => el(name, { value });

/** The strip's filters and EQ as an Equalizer, or nothing when they are all as new. */
export function stripEqualizer(strip: ChannelStrip, id: string): XmlElement | undefined {
  const neutral =
    !strip.highPass.enabled &&
    strip.highPass.frequency === 80 &&
    strip.highPass.slope === 12 &&
    !strip.lowPass.enabled &&
    strip.lowPass.frequency === 18_000 &&
    strip.lowPass.slope === 12 &&
    strip.eq.every((band, i) => JSON.stringify(band) === JSON.stringify(DEFAULT_EQ_BANDS[i]));
  if (neutral) return undefined;
  const band = (
    type: string,
    order: number | undefined,
    frequency: number,
    gainDb: number | undefined,
    q: number | undefined,
    enabled: boolean,
  ) =>
    el("Band", { type, order }, [
      real("Freq", frequency, "hertz", 10, 40_000),
      ...(gainDb === undefined ? [] : [real("Gain", gainDb, "decibel", -30, 30)]),
      ...(q === undefined ? [] : [real("Q", q, "linear", 0.05, 40)]),
      bool("Enabled", enabled),
    ]);
  const ourType = { lowShelf: "lowShelf", peak: "bell", highShelf: "highShelf" } as const;
  return el(
    "Equalizer",
    {
      id,
      name: "Channel EQ",
      deviceID: STRIP_EQ_DEVICE_ID,
      deviceName: "Control Room Channel EQ",
      deviceRole: "audioFX",
      deviceVendor: "Control Room",
      loaded: true,
    },
    [
      bool("Enabled", true),
      band(
        "highPass",
        strip.highPass.slope === 24 ? 4 : 2,
        strip.highPass.frequency,
        undefined,
        undefined,
        strip.highPass.enabled,
      ),
      band(
        "lowPass",
        strip.lowPass.slope === 24 ? 4 : 2,
        strip.lowPass.frequency,
        undefined,
        undefined,
        strip.lowPass.enabled,
      ),
      ...strip.eq.map((b) => band(ourType[b.type], 2, b.frequency, b.gainDb, b.q, b.enabled)),
    ],
  );
}

/** The strip's compressor; `keyChannel` is the XML id of the channel its sidechain listens to. */
export function stripCompressor(
  strip: ChannelStrip,
  id: string,
  keyChannel?: string,
): XmlElement | undefined {
  const c = strip.compressor;
  if (!c.enabled) return undefined;
  return el(
    "Compressor",
    {
      id,
      name: "Channel Compressor",
      deviceID: STRIP_COMPRESSOR_DEVICE_ID,
      deviceName: "Control Room Compressor",
      deviceRole: "audioFX",
      deviceVendor: "Control Room",
      loaded: true,
    },
    [
      el("Parameters", {}, [
        el("RealParameter", { name: "Knee", max: 40, min: 0, unit: "decibel", value: c.kneeDb }),
        el("EnumParameter", {
          name: "Detection",
          count: 2,
          labels: "peak rms",
          value: c.detection === "rms" ? 1 : 0,
        }),
        el("EnumParameter", {
          name: "Sidechain",
          count: 2,
          labels: `none ${keyChannel ?? "none"}`,
          value: keyChannel === undefined ? 0 : 1,
        }),
      ]),
      bool("Enabled", c.enabled),
      real("Attack", c.attackMs / 1000, "seconds"),
      real("OutputGain", c.makeupDb, "decibel"),
      real("Ratio", c.ratio, "linear"),
      real("Release", c.releaseMs / 1000, "seconds"),
      real("Threshold", c.thresholdDb, "decibel"),
    ],
  );
}

export function masterLimiter(limiter: Limiter, id: string): XmlElement | undefined {
  if (!limiter.enabled) return undefined;
  return el(
    "Limiter",
    {
      id,
      name: "Master Limiter",
      deviceID: MASTER_LIMITER_DEVICE_ID,
      deviceName: "Control Room Limiter",
      deviceRole: "audioFX",
      deviceVendor: "Control Room",
      loaded: true,
    },
    [
      bool("Enabled", limiter.enabled),
      real("Release", limiter.releaseMs / 1000, "seconds"),
      real("Threshold", limiter.ceilingDb, "decibel"),
    ],
  );
}

export { decibelsToLinear };
