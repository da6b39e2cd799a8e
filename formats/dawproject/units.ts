import { ControlRoomError } from "../../music/errors.ts";
import type { XmlElement } from "./xml.ts";

/**
 * DAWproject parameters carry a unit (Project.xsd `unit`): volumes come as linear gain or
 * decibels, pan as normalized 0…1, EQ frequencies as hertz or semitones (MIDI note numbers,
 * 69 = A4 = 440 Hz, as Bitwig writes them). These convert to the strip's own units.
 */

export type TimeUnit = "beats" | "seconds";

export const UNITS = [
  "linear",
  "normalized",
  "percent",
  "decibel",
  "hertz",
  "semitones",
  "seconds",
  "beats",
  "bpm",
] as const;
export type Unit = (typeof UNITS)[number];

/** Where in the file an element sits, for error messages: `project.xml: Clip (in track "Bass")`. */
export interface Where {
  file: string;
  path: string;
}

export function fail(where: Where, message: string, code = "E_DAWPROJECT_SCHEMA"): never {
  throw new ControlRoomError(
    code,
    `${where.file}: ${where.path}: ${message}`,
    `${where.file}:${where.path}`,
  );
}

export function numberAttribute(
  element: XmlElement,
  name: string,
  where: Where,
  required: true,
): number;
export function numberAttribute(
  element: XmlElement,
  name: string,
  where: Where,
  required?: false,
): number | undefined;
export function numberAttribute(
  element: XmlElement,
  name: string,
  where: Where,
  required = false,
): number | undefined {
  const text = element.attributes[name];
  if (text === undefined) {
    if (required) fail(where, `<${element.name}> has no ${name} attribute; it is required`);
    return undefined;
  }
  const trimmed = text.trim();
  if (trimmed === "inf" || trimmed === "INF") return Number.POSITIVE_INFINITY;
  if (trimmed === "-inf" || trimmed === "-INF") return Number.NEGATIVE_INFINITY;
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  if (Number.isNaN(value)) {
    fail(where, `<${element.name}> ${name}="${text.slice(0, 40)}" is not a number`);
  }
  return value;
}

/** A finite number, as times and durations must be. */
export function finiteAttribute(
  element: XmlElement,
  name: string,
  where: Where,
  required: true,
): number;
export function finiteAttribute(
  element: XmlElement,
  name: string,
  where: Where,
  required?: false,
): number | undefined;
export function finiteAttribute(
  element: XmlElement,
  name: string,
  where: Where,
  required = false,
): number | undefined {
  const value = numberAttribute(element, name, where, required as false);
  if (value !== undefined && !Number.isFinite(value)) {
    fail(where, `<${element.name}> ${name} must be a finite number`);
  }
  return value;
}

export function booleanAttribute(
  element: XmlElement,
  name: string,
  where: Where,
): boolean | undefined {
  const text = element.attributes[name];
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  return fail(where, `<${element.name}> ${name}="${text.slice(0, 40)}" is not true or false`);
}

export function timeUnitAttribute(
  element: XmlElement,
  name: string,
  where: Where,
): TimeUnit | undefined {
  const text = element.attributes[name];
  if (text === undefined) return undefined;
  if (text === "beats" || text === "seconds") return text;
  return fail(where, `<${element.name}> ${name}="${text.slice(0, 40)}" must be beats or seconds`);
}

export function unitAttribute(element: XmlElement, where: Where): Unit | undefined {
  const text = element.attributes.unit;
  if (text === undefined) return undefined;
  if ((UNITS as readonly string[]).includes(text)) return text as Unit;
  return fail(
    where,
    `<${element.name}> unit="${text.slice(0, 40)}" is not one of ${UNITS.join(", ")}`,
  );
}

/** A RealParameter's value, min and max; value may be absent (the parameter is only automated). */
export interface RealValue {
  value: number | undefined;
  unit: Unit;
  min: number | undefined;
  max: number | undefined;
}

export function realParameter(element: XmlElement, where: Where): RealValue {
  const unit = unitAttribute(element, where);
  if (unit === undefined) fail(where, `<${element.name}> has no unit attribute; it is required`);
  return {
    value: numberAttribute(element, "value", where),
    unit,
    min: finiteAttribute(element, "min", where),
    max: finiteAttribute(element, "max", where),
  };
}

/** A normalized value spread over the parameter's own range. */
function denormalize(value: number, min: number | undefined, max: number | undefined): number {
  if (min === undefined || max === undefined) return value;
  return min + value * (max - min);
}

/** Gain in decibels from a value in `unit`; the parameter's range reads normalized values. */
export function toDecibels(
  value: number,
  unit: Unit,
  range: { min?: number; max?: number; unit?: Unit } = {},
): number | undefined {
  switch (unit) {
    case "decibel":
      return value;
    case "linear":
      return value <= 0 ? Number.NEGATIVE_INFINITY : readable(20 * Math.log10(value));
    case "percent":
      return toDecibels(value / 100, "linear");
    case "normalized":
      // Normalized against the parameter's range, in the parameter's own unit.
      if (range.unit && range.unit !== "normalized") {
        return toDecibels(denormalize(value, range.min, range.max), range.unit);
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Pan −1…+1 from a value in `unit`. */
export function toPan(
  value: number,
  unit: Unit,
  range: { min?: number; max?: number; unit?: Unit } = {},
): number | undefined {
  switch (unit) {
    case "normalized":
      return readable(2 * value - 1);
    case "percent":
      return readable(value / 100);
    case "linear": {
      const min = range.min ?? -1;
      const max = range.max ?? 1;
      if (min < 0) return value;
      return max > min ? readable((2 * (value - min)) / (max - min) - 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** Frequency in hertz; semitones are MIDI note numbers (69 = 440 Hz). */
export function toHertz(
  value: number,
  unit: Unit,
  range: { min?: number; max?: number; unit?: Unit } = {},
): number | undefined {
  switch (unit) {
    case "hertz":
      return value;
    case "semitones":
      return 440 * 2 ** ((value - 69) / 12);
    case "normalized":
      if (range.unit && range.unit !== "normalized") {
        return toHertz(denormalize(value, range.min, range.max), range.unit);
      }
      return undefined;
    default:
      return undefined;
  }
}

export function toMilliseconds(value: number, unit: Unit): number | undefined {
  if (unit === "seconds") return value * 1000;
  return undefined;
}

/**
 * A value converted between units, to 12 significant digits: −4 dB written as linear gain
 * reads back as −4, not −3.9999999999999996. Far finer than anyone hears (1e-11 dB).
 */
export function readable(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function decibelsToLinear(db: number): number {
  return 10 ** (db / 20);
}
