/**
 * The treatment planner: how many standard panels of each chosen treatment bring a room's
 * reverberation time into a target range per band, what they cost, and what the room then
 * measures. Panels cover walls and ceiling (never the floor), replacing what they cover.
 */
import { ControlRoomError } from "../music/errors.ts";
import { type BandValues, bandLabel, bandValues, OCTAVE_BANDS_HZ } from "./bands.ts";
import { eyringRt60, sabineRt60 } from "./reverberation.ts";
import type { Room, RoomSurface, TreatmentChoice } from "./room-file.ts";

export interface TargetRange {
  min: BandValues;
  max: BandValues;
}

/**
 * A nominal T60 as a tolerance mask after ITU-R BS.1116-3 (listening rooms): ±0.05 s from
 * 200 Hz up, the upper limit rising to +0.3 s at 63 Hz (linear in log frequency), so 125 Hz may
 * ring about 0.15 s longer than the rest.
 */
export function targetRange(nominalSeconds: number): TargetRange {
  if (!Number.isFinite(nominalSeconds) || nominalSeconds < 0.1 || nominalSeconds > 5) {
    throw new ControlRoomError(
      "E_ROOM_TARGET",
      `a target RT60 of ${nominalSeconds} s is not one a room is built to; give seconds from 0.1 to 5 (a control room: 0.2 to 0.4)`,
      "--target",
    );
  }
  const upper = (hz: number) =>
    hz >= 200 ? 0.05 : 0.05 + (0.25 * Math.log(200 / hz)) / Math.log(200 / 63);
  return {
    min: bandValues(() => Math.max(0.05, nominalSeconds - 0.05)),
    max: bandValues((hz) => nominalSeconds + upper(hz)),
  };
}

/** A range the same in every band, "0.2-0.4" on the command line. */
export function flatRange(min: number, max: number): TargetRange {
  if (!(min > 0 && max >= min && max <= 5)) {
    throw new ControlRoomError(
      "E_ROOM_TARGET",
      `a target range of ${min}–${max} s is not one a room is built to; give seconds like 0.2-0.4`,
      "--target",
    );
  }
  return { min: bandValues(() => min), max: bandValues(() => max) };
}

export interface PlannedTreatment {
  materialId: string;
  name: string;
  panels: number;
  areaM2: number;
  cost: number;
}

export interface TreatmentPlan {
  treatments: PlannedTreatment[];
  totalCost: number;
  currency: string;
  target: TargetRange;
  before: { sabine: BandValues; eyring: BandValues };
  after: { sabine: BandValues; eyring: BandValues };
  /** Per band: the planned room (Eyring) lies within the target. */
  inRange: boolean[];
  /** Wall and ceiling area panels could cover, m². */
  mountableM2: number;
  notes: string[];
}

/** Surfaces panels may hang on: walls and ceiling of a box room; every surface of a listed one. */
function mountable(s: RoomSurface): boolean {
  return s.on !== "floor";
}

/** The room's surfaces with `panels[i]` panels of `choices[i]` hung over the mountable ones. */
export function treatedSurfaces(
  surfaces: readonly RoomSurface[],
  choices: readonly TreatmentChoice[],
  panels: readonly number[],
): RoomSurface[] {
  const free = surfaces.filter(mountable).reduce((sum, s) => sum + s.areaM2, 0);
  const covered = choices.reduce(
    (sum, c, i) => sum + panels[i] * c.panelWidthM * c.panelHeightM,
    0,
  );
  const keep = free > 0 ? Math.max(0, 1 - covered / free) : 1;
  const out = surfaces.map((s) => (mountable(s) ? { ...s, areaM2: s.areaM2 * keep } : s));
  choices.forEach((c, i) => {
    if (panels[i] === 0) return;
    out.push({
      name: c.material.name,
      areaM2: panels[i] * c.panelWidthM * c.panelHeightM,
      absorption: c.material.absorption,
      material: c.material,
      on: null,
    });
  });
  return out;
}

/** How far outside the range a band is, in log seconds, squared and summed. */
function miss(rt: BandValues, target: TargetRange): number {
  let sum = 0;
  for (let b = 0; b < rt.length; b++) {
    if (rt[b] > target.max[b]) sum += Math.log(rt[b] / target.max[b]) ** 2;
    else if (rt[b] < target.min[b]) sum += Math.log(target.min[b] / rt[b]) ** 2;
  }
  return sum;
}

/**
 * Adds one panel at a time, each time the panel of whichever treatment brings the room
 * (Eyring, the closer formula for a treated room) nearest the target, until every band is in
 * range, no panel helps, or the walls and ceiling are full. Greedy by panel is enough here:
 * each panel changes every band a little and the miss is convex in each count.
 */
export function planTreatment(room: Room, target: TargetRange): TreatmentPlan {
  const choices = room.treatments;
  const mountableM2 = room.surfaces.filter(mountable).reduce((sum, s) => sum + s.areaM2, 0);
  const panels = choices.map(() => 0);
  const rtWith = (counts: readonly number[]) =>
    eyringRt60(room.volumeM3, treatedSurfaces(room.surfaces, choices, counts));
  let current = miss(rtWith(panels), target);
  let coveredM2 = 0;
  while (current > 0) {
    let bestIndex = -1;
    let bestMiss = current;
    choices.forEach((c, i) => {
      if (coveredM2 + c.panelWidthM * c.panelHeightM > mountableM2) return;
      panels[i]++;
      const m = miss(rtWith(panels), target);
      panels[i]--;
      if (m < bestMiss - 1e-12) {
        bestMiss = m;
        bestIndex = i;
      }
    });
    if (bestIndex < 0) break;
    panels[bestIndex]++;
    coveredM2 += choices[bestIndex].panelWidthM * choices[bestIndex].panelHeightM;
    current = bestMiss;
  }

  const treated = treatedSurfaces(room.surfaces, choices, panels);
  const before = {
    sabine: sabineRt60(room.volumeM3, room.surfaces),
    eyring: eyringRt60(room.volumeM3, room.surfaces),
  };
  const after = {
    sabine: sabineRt60(room.volumeM3, treated),
    eyring: eyringRt60(room.volumeM3, treated),
  };
  const inRange = after.eyring.map(
    (t, b) => t >= target.min[b] - 1e-9 && t <= target.max[b] + 1e-9,
  );
  const treatments = choices.map((c, i) => ({
    materialId: c.material.id,
    name: c.material.name,
    panels: panels[i],
    areaM2: panels[i] * c.panelWidthM * c.panelHeightM,
    cost: panels[i] * c.pricePerPanel,
  }));
  const notes: string[] = [];
  OCTAVE_BANDS_HZ.forEach((hz, b) => {
    const t = after.eyring[b];
    if (t > target.max[b] + 1e-9) {
      notes.push(
        `${bandLabel(hz)} stays at ${t.toFixed(2)} s, above ${target.max[b].toFixed(2)} s: ${
          coveredM2 + Math.min(...choices.map((c) => c.panelWidthM * c.panelHeightM)) > mountableM2
            ? "the walls and ceiling are full"
            : "more of these panels would overdamp the other bands"
        }; ${hz <= 250 ? "add bass traps (thick panels across corners)" : "add a more absorbent treatment"}`,
      );
    } else if (t < target.min[b] - 1e-9) {
      notes.push(
        `${bandLabel(hz)} is at ${t.toFixed(2)} s, below ${target.min[b].toFixed(2)} s: ${
          before.eyring[b] < target.min[b]
            ? "the room is already this dead there"
            : "the treatment overdamps it"
        }; diffusers or reflective panels keep it live`,
      );
    }
  });
  return {
    treatments,
    totalCost: treatments.reduce((sum, t) => sum + t.cost, 0),
    currency: room.currency,
    target,
    before,
    after,
    inRange,
    mountableM2,
    notes,
  };
}
