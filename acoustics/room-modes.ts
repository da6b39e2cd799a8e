/**
 * The standing waves of a rectangular room with rigid walls (Rayleigh; Kuttruff, Room
 * Acoustics, §3.3): f = (c/2)·√((p/L)² + (q/W)² + (r/H)²) for whole numbers p, q, r.
 */
import { type RoomDimensions, SPEED_OF_SOUND } from "./room-dimensions.ts";

export type ModeKind = "axial" | "tangential" | "oblique";

export interface RoomMode {
  /** p, q, r: half-wavelengths along length, width and height. */
  indices: readonly [number, number, number];
  kind: ModeKind;
  frequencyHz: number;
}

export interface RoomModeOptions {
  /** The highest frequency listed, Hz (default 200). */
  maxHz?: number;
  speedOfSound?: number;
}

const KINDS: readonly ModeKind[] = ["axial", "axial", "tangential", "oblique"];

/** Every mode up to `maxHz`, lowest first (ties: axial before tangential before oblique). */
export function roomModes(room: RoomDimensions, options: RoomModeOptions = {}): RoomMode[] {
  const maxHz = options.maxHz ?? 200;
  const c = options.speedOfSound ?? SPEED_OF_SOUND;
  const most = (side: number) => Math.floor((2 * maxHz * side) / c);
  const modes: RoomMode[] = [];
  for (let p = 0; p <= most(room.length); p++) {
    for (let q = 0; q <= most(room.width); q++) {
      for (let r = 0; r <= most(room.height); r++) {
        if (p + q + r === 0) continue;
        const f =
          (c / 2) *
          Math.sqrt((p / room.length) ** 2 + (q / room.width) ** 2 + (r / room.height) ** 2);
        if (f > maxHz) continue;
        const nonZero = (p > 0 ? 1 : 0) + (q > 0 ? 1 : 0) + (r > 0 ? 1 : 0);
        modes.push({ indices: [p, q, r], kind: KINDS[nonZero], frequencyHz: f });
      }
    }
  }
  const order = { axial: 0, tangential: 1, oblique: 2 };
  return modes.sort((a, b) => a.frequencyHz - b.frequencyHz || order[a.kind] - order[b.kind]);
}

/**
 * Above this frequency modes overlap into a diffuse field (Schroeder 1962; Kuttruff §3.5):
 * f = 2000·√(T60/V), T60 in seconds and V in m³.
 */
export function schroederFrequency(rt60Seconds: number, volumeM3: number): number {
  return 2000 * Math.sqrt(rt60Seconds / volumeM3);
}

export interface BonelloBand {
  centreHz: number;
  lowerHz: number;
  upperHz: number;
  modes: number;
  /** Pairs of modes in this band closer than COINCIDENT_HZ. */
  coincident: [RoomMode, RoomMode][];
  /** This band has fewer modes than the band below it. */
  fewerThanBelow: boolean;
}

export interface BonelloCheck {
  bands: BonelloBand[];
  passes: boolean;
}

/**
 * Closer than this, two modes ring as one: the line Bonello draws is "the same frequency",
 * and half a hertz is finer than any room is built or measured to.
 */
export const COINCIDENT_HZ = 0.5;

/**
 * Bonello (1981, JAES 29(9)): counted per third-octave band, the number of modes must never
 * fall from one band to the next, and no two modes may coincide. Bands are IEC 61260 base-10
 * third-octaves from 20 Hz up to the last band below `upToHz`.
 */
export function bonelloCheck(modes: readonly RoomMode[], upToHz = 200): BonelloCheck {
  const bands: BonelloBand[] = [];
  for (let k = -17; ; k++) {
    const centreHz = 1000 * 10 ** (k / 10);
    const lowerHz = centreHz * 10 ** -0.05;
    const upperHz = centreHz * 10 ** 0.05;
    // Only bands wholly below the cutoff: a band cut by it would count too few modes.
    if (upperHz > upToHz * 1.0001) break;
    const inBand = modes.filter((m) => m.frequencyHz >= lowerHz && m.frequencyHz < upperHz);
    const coincident: [RoomMode, RoomMode][] = [];
    for (let i = 1; i < inBand.length; i++) {
      if (inBand[i].frequencyHz - inBand[i - 1].frequencyHz < COINCIDENT_HZ) {
        coincident.push([inBand[i - 1], inBand[i]]);
      }
    }
    const below = bands.at(-1);
    bands.push({
      centreHz,
      lowerHz,
      upperHz,
      modes: inBand.length,
      coincident,
      fewerThanBelow: below !== undefined && inBand.length < below.modes,
    });
  }
  // Bands below the first mode are empty by nature, not a fault.
  const first = bands.findIndex((b) => b.modes > 0);
  const judged = first < 0 ? [] : bands.slice(first);
  return {
    bands,
    passes: judged.every((b) => !b.fewerThanBelow && b.coincident.length === 0),
  };
}

export interface ModeWarning {
  kind: "bunch" | "gap";
  lowHz: number;
  highHz: number;
  modes: RoomMode[];
  message: string;
}

/** Gilford (1959): an axial mode 20 Hz or more from its neighbours is heard as a colouration. */
const GAP_HZ = 20;
/** Axial modes of different axes this close reinforce each other into one stronger boom. */
const BUNCH_HZ = 3;

/**
 * Axial modes carry the most energy (Everest & Pohlmann, Master Handbook of Acoustics, ch. 13),
 * so they are the ones judged: up to `upToHz` (the Schroeder frequency), neighbours closer than
 * 3 Hz from different axes bunch, and 20 Hz or more between neighbours leaves a gap.
 */
export function modeWarnings(modes: readonly RoomMode[], upToHz: number): ModeWarning[] {
  const axial = modes.filter((m) => m.kind === "axial" && m.frequencyHz <= upToHz);
  const warnings: ModeWarning[] = [];
  for (let i = 1; i < axial.length; i++) {
    const a = axial[i - 1];
    const b = axial[i];
    const gap = b.frequencyHz - a.frequencyHz;
    if (gap < BUNCH_HZ && axisOf(a) !== axisOf(b)) {
      warnings.push({
        kind: "bunch",
        lowHz: a.frequencyHz,
        highHz: b.frequencyHz,
        modes: [a, b],
        message: `${modeName(a)} at ${a.frequencyHz.toFixed(1)} Hz and ${modeName(b)} at ${b.frequencyHz.toFixed(1)} Hz are ${gap.toFixed(1)} Hz apart: together they boom`,
      });
    } else if (gap >= GAP_HZ) {
      warnings.push({
        kind: "gap",
        lowHz: a.frequencyHz,
        highHz: b.frequencyHz,
        modes: [a, b],
        message: `no axial mode between ${a.frequencyHz.toFixed(1)} and ${b.frequencyHz.toFixed(1)} Hz (${gap.toFixed(1)} Hz): both stand out as single notes`,
      });
    }
  }
  return warnings;
}

function axisOf(mode: RoomMode): number {
  return mode.indices.findIndex((index) => index > 0);
}

/** "(1,0,0) length": the indices and, for an axial mode, the dimension it spans. */
export function modeName(mode: RoomMode): string {
  const [p, q, r] = mode.indices;
  const axis = mode.kind !== "axial" ? "" : p > 0 ? " length" : q > 0 ? " width" : " height";
  return `(${p},${q},${r})${axis}`;
}
