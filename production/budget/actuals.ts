import type { Booking } from "../bookings/booking.ts";
import { bookedDays, bookedMinutes, describeInterval } from "../bookings/booking.ts";
import { scaleMinor } from "../money.ts";
import { categoryOfRoles, type Rate, rateOf, type TeamRole } from "../team/people.ts";
import type { ApprovalStep, BudgetLine } from "./budget-line.ts";

/**
 * Actuals that flow in by themselves: a confirmed booking costs its room's rate and each
 * booked team member's rate for its hours (or days), and a team member's per-song or flat
 * fee costs what was agreed. Nothing is stored: the lines are derived afresh from the
 * bookings and the team, so changing a booking changes the budget at once.
 */

export interface RoomForCosts {
  id: string;
  name: string;
  studioName: string;
  rates: readonly Rate[];
}

export interface TeamMemberForCosts {
  personId: string;
  name: string;
  roles: readonly TeamRole[];
  rates: readonly Rate[];
  songs: number;
  /** Who agreed the terms and when: the fee's approval. */
  agreed: ApprovalStep;
}

export interface ConfirmedBooking extends Booking {
  confirmed: ApprovalStep;
  /** Minutes actually used, from the session report, when there is one. */
  minutesUsed: number | null;
}

/** The cost of `minutes` (or the days they touch) at an hourly, else a daily, rate. */
export function timeCost(
  rates: readonly Rate[],
  minutes: number,
  days: number,
): { rate: Rate; amountMinor: number; basis: string } | undefined {
  const hourly = rateOf(rates, "hourly");
  if (hourly) {
    return {
      rate: hourly,
      amountMinor: scaleMinor(hourly.amountMinor, BigInt(minutes), 60n),
      basis: `${formatHours(minutes)} h`,
    };
  }
  const daily = rateOf(rates, "daily");
  if (daily) {
    return {
      rate: daily,
      amountMinor: daily.amountMinor * days,
      basis: `${days} day${days === 1 ? "" : "s"}`,
    };
  }
  return undefined;
}

function formatHours(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? String(hours) : `${hours}:${String(rest).padStart(2, "0")}`;
}

function derivedLine(
  fields: Pick<
    BudgetLine,
    "id" | "kind" | "category" | "description" | "supplier" | "currency" | "actualMinor"
  > &
    Partial<Pick<BudgetLine, "bookingId" | "personId">>,
  approved: ApprovalStep,
): BudgetLine {
  return {
    estimateMinor: 0,
    recoupable: false,
    status: "approved",
    proposed: null,
    approved,
    paid: null,
    receipt: null,
    conversion: null,
    bookingId: null,
    personId: null,
    ...fields,
  };
}

/** The lines a confirmed booking adds: its room, and each booked member with a time rate. */
export function bookingActuals(
  booking: ConfirmedBooking,
  rooms: ReadonlyMap<string, RoomForCosts>,
  team: ReadonlyMap<string, TeamMemberForCosts>,
): BudgetLine[] {
  if (booking.status !== "confirmed") return [];
  const minutes = booking.minutesUsed ?? bookedMinutes(booking);
  const days = bookedDays(booking, booking.timeZone);
  const when = describeInterval(booking, booking.timeZone);
  const lines: BudgetLine[] = [];
  const room = booking.roomId === null ? undefined : rooms.get(booking.roomId);
  const roomCost = room && timeCost(room.rates, minutes, days);
  if (room && roomCost) {
    lines.push(
      derivedLine(
        {
          id: `booking:${booking.id}:room`,
          kind: "booking",
          category: "studio time",
          description: `${room.name}, ${booking.purpose}, ${when} (${roomCost.basis})`,
          supplier: room.studioName,
          currency: roomCost.rate.currency,
          actualMinor: roomCost.amountMinor,
          bookingId: booking.id,
        },
        booking.confirmed,
      ),
    );
  }
  for (const personId of booking.personIds) {
    const member = team.get(personId);
    const cost = member && timeCost(member.rates, minutes, days);
    if (!member || !cost) continue;
    lines.push(
      derivedLine(
        {
          id: `booking:${booking.id}:person:${personId}`,
          kind: "booking",
          category: categoryOfRoles(member.roles),
          description: `${member.name}, ${booking.purpose}, ${when} (${cost.basis})`,
          supplier: member.name,
          currency: cost.rate.currency,
          actualMinor: cost.amountMinor,
          bookingId: booking.id,
          personId,
        },
        booking.confirmed,
      ),
    );
  }
  return lines;
}

/** The lines a team member's per-song and flat fees add. */
export function feeActuals(member: TeamMemberForCosts): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const perSong = rateOf(member.rates, "per-song");
  if (perSong && member.songs > 0) {
    lines.push(
      derivedLine(
        {
          id: `fee:${member.personId}:per-song`,
          kind: "fee",
          category: categoryOfRoles(member.roles),
          description: `${member.name}, ${member.songs} song${member.songs === 1 ? "" : "s"} at the per-song fee`,
          supplier: member.name,
          currency: perSong.currency,
          actualMinor: perSong.amountMinor * member.songs,
          personId: member.personId,
        },
        member.agreed,
      ),
    );
  }
  const flat = rateOf(member.rates, "flat");
  if (flat) {
    lines.push(
      derivedLine(
        {
          id: `fee:${member.personId}:flat`,
          kind: "fee",
          category: categoryOfRoles(member.roles),
          description: `${member.name}, flat fee`,
          supplier: member.name,
          currency: flat.currency,
          actualMinor: flat.amountMinor,
          personId: member.personId,
        },
        member.agreed,
      ),
    );
  }
  return lines;
}

/** Every derived line of a project: its confirmed bookings' and its team's fees. */
export function derivedActuals(
  bookings: readonly ConfirmedBooking[],
  rooms: ReadonlyMap<string, RoomForCosts>,
  team: ReadonlyMap<string, TeamMemberForCosts>,
): BudgetLine[] {
  return [
    ...bookings.flatMap((booking) => bookingActuals(booking, rooms, team)),
    ...[...team.values()].flatMap(feeActuals),
  ];
}
