import { PPQ, type TempoMap } from "../../music/tempo-map.ts";
import type { TimeUnit } from "./units.ts";

/**
 * Where a nested timeline's time lands on the arrangement. DAWproject nests timelines
 * (clips in clips, warps around audio) and each may count in beats or seconds; a
 * placement maps a time `c` inside one of them to an absolute (fractional) tick:
 *
 *   tick(c) = origin advanced by (c − offset) · scale, counted in `unit`
 *
 * Beats advance ticks directly (one beat = one quarter note = 960 ticks, as DAWproject's
 * beats are quarter notes); seconds advance real time through the tempo map, so audio
 * placed in seconds stays put in time when the tempo changes.
 */
export interface Placement {
  originTick: number;
  unit: TimeUnit;
  offset: number;
  /** Outer units per unit of the inner time. */
  scale: number;
  /** The unit of `c`, the time inside. */
  inner: TimeUnit;
}

export function rootPlacement(unit: TimeUnit): Placement {
  return { originTick: 0, unit, offset: 0, scale: 1, inner: unit };
}

export function toTick(p: Placement, c: number, map: TempoMap): number {
  const advance = (c - p.offset) * p.scale;
  if (p.unit === "beats") return p.originTick + advance * PPQ;
  return map.secondsToTicks(map.ticksToSeconds(p.originTick) + advance);
}

export function fromTick(p: Placement, tick: number, map: TempoMap): number {
  const advance =
    p.unit === "beats"
      ? (tick - p.originTick) / PPQ
      : map.ticksToSeconds(tick) - map.ticksToSeconds(p.originTick);
  return p.offset + advance / p.scale;
}

/** The same placement seen from a time shifted by `shift`: q(c) = p(c + shift). */
export function shifted(p: Placement, shift: number): Placement {
  return { ...p, offset: p.offset - shift };
}

/** Counting in another unit from where time 0 of `p` lands (a timeline that sets its own timeUnit). */
export function rebased(p: Placement, unit: TimeUnit, map: TempoMap): Placement {
  if (unit === p.inner) return p;
  return { originTick: toTick(p, 0, map), unit, offset: 0, scale: 1, inner: unit };
}

/** Inner time x maps to outer time o = outerAt + (x − innerAt) · ratio (a warp segment). */
export function warped(
  p: Placement,
  outerAt: number,
  innerAt: number,
  ratio: number,
  inner: TimeUnit,
): Placement {
  return {
    originTick: p.originTick,
    unit: p.unit,
    offset: innerAt - (outerAt - p.offset) / ratio,
    scale: ratio * p.scale,
    inner,
  };
}
