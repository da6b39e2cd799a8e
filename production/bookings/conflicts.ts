import { ControlRoomError } from "../../music/errors.ts";
import { type Booking, describeInterval, type Interval, overlaps } from "./booking.ts";

/**
 * Double bookings: a room or a person in two places at once, across every project on the
 * server. Holds count (a hold keeps the room for its holder); cancelled bookings do not.
 */

export interface Conflict {
  /** What is double-booked. */
  kind: "room" | "person";
  id: string;
  /** The room's or person's name. */
  name: string;
  /** The booking it clashes with. */
  booking: Booking;
  /** Where that booking is: its room and studio, or "no room". */
  where: string;
  /** The other booking's project, when the caller may see it; else "another project". */
  project: string;
}

export interface Candidate extends Interval {
  id?: string;
  roomId: string | null;
  personIds: readonly string[];
  status: Booking["status"];
}

export interface ConflictNames {
  room(id: string): string;
  person(id: string): string;
  where(booking: Booking): string;
  project(booking: Booking): string;
}

/** Each room and person of `candidate` that another live booking already holds. */
export function findConflicts(
  candidate: Candidate,
  others: readonly Booking[],
  names: ConflictNames,
): Conflict[] {
  if (candidate.status === "cancelled") return [];
  const conflicts: Conflict[] = [];
  for (const booking of others) {
    if (booking.id === candidate.id || booking.status === "cancelled") continue;
    if (!overlaps(candidate, booking)) continue;
    const common = {
      booking,
      where: names.where(booking),
      project: names.project(booking),
    };
    if (candidate.roomId !== null && booking.roomId === candidate.roomId) {
      conflicts.push({
        kind: "room",
        id: candidate.roomId,
        name: names.room(candidate.roomId),
        ...common,
      });
    }
    for (const personId of candidate.personIds) {
      if (booking.personIds.includes(personId)) {
        conflicts.push({ kind: "person", id: personId, name: names.person(personId), ...common });
      }
    }
  }
  return conflicts;
}

/** One sentence per clash: who or what, when, where, and for which project. */
export function describeConflict(conflict: Conflict): string {
  const when = describeInterval(conflict.booking, conflict.booking.timeZone);
  const status = conflict.booking.status === "hold" ? "on hold" : "booked";
  return conflict.kind === "room"
    ? `${conflict.name} is already ${status} ${when} for ${conflict.project} (${conflict.booking.purpose})`
    : `${conflict.name} is already ${status} ${when} in ${conflict.where} for ${conflict.project} (${conflict.booking.purpose})`;
}

/** The refusal of a double booking, naming each clash. */
export function conflictError(conflicts: readonly Conflict[]): ControlRoomError {
  const first = conflicts[0];
  return new ControlRoomError(
    "E_BOOKING_CONFLICT",
    `double booking: ${conflicts.map(describeConflict).join("; ")}`,
    first?.kind === "room" ? "roomId" : "personIds",
  );
}
