import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { ControlRoomError } from "../../music/errors.ts";

/**
 * A booking of a room and people: local start and end times in a time zone (as the studio's
 * diary has them), held as instants. The zone makes a 10:00 in London and a 10:00 in Berlin
 * different hours, and a session across a daylight-saving change as long as it really is.
 */

export const BOOKING_STATUSES = ["hold", "confirmed", "cancelled"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const BOOKING_PURPOSES = ["tracking", "overdubs", "mixing", "mastering"] as const;
export type BookingPurpose = (typeof BOOKING_PURPOSES)[number];

/** A booking longer than this is a typo in a date, not a session. */
export const MAX_BOOKING_DAYS = 31;

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), {
    message: "not a time zone of the IANA database (Europe/London, America/New_York…)",
  });

/** `2026-03-29T10:00`, local to the booking's zone, or an instant with its offset. */
export const localDateTimeSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/,
    "a date and time such as 2026-03-29T10:00",
  );

export const bookingTimesSchema = z.strictObject({
  start: localDateTimeSchema,
  end: localDateTimeSchema,
  timeZone: timeZoneSchema,
});
export type BookingTimes = z.infer<typeof bookingTimesSchema>;

export interface Interval {
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface Booking extends Interval {
  id: string;
  projectId: string;
  roomId: string | null;
  personIds: readonly string[];
  timeZone: string;
  status: BookingStatus;
  purpose: BookingPurpose;
  title: string;
}

/** One local time of the booking as an instant; refuses times the zone's clocks skip. */
function instantOf(local: string, timeZone: string, field: "start" | "end"): Date {
  const time = DateTime.fromISO(local, { zone: timeZone, setZone: false });
  if (!time.isValid) {
    throw new ControlRoomError(
      "E_BOOKING_TIME",
      `${field} "${local}" is not a date and time (${time.invalidExplanation ?? "unreadable"})`,
      field,
    );
  }
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(local);
  if (!hasOffset) {
    // Clocks going forward skip an hour: 02:30 on that night does not exist there.
    const asWritten = local.length === 16 ? `${local}:00` : local;
    const back = time.setZone(timeZone).toISO({ includeOffset: false, suppressMilliseconds: true });
    if (back === null || !back.startsWith(asWritten.slice(0, 19))) {
      throw new ControlRoomError(
        "E_BOOKING_TIME_SKIPPED",
        `${field} ${local} does not exist in ${timeZone}: the clocks skip it when daylight saving starts`,
        field,
      );
    }
  }
  return time.toJSDate();
}

/** The instants a booking runs between; refuses an end at or before its start. */
export function bookingInterval(times: BookingTimes): Interval {
  if (!IANAZone.isValidZone(times.timeZone)) {
    throw new ControlRoomError(
      "E_BOOKING_TIME_ZONE",
      `timeZone "${times.timeZone}" is not a time zone of the IANA database (Europe/London, America/New_York…)`,
      "timeZone",
    );
  }
  const startsAt = instantOf(times.start, times.timeZone, "start");
  const endsAt = instantOf(times.end, times.timeZone, "end");
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw new ControlRoomError(
      "E_BOOKING_ENDS_BEFORE_START",
      `end ${times.end} is not after start ${times.start} (${times.timeZone}): a booking ends after it starts`,
      "end",
    );
  }
  if (endsAt.getTime() - startsAt.getTime() > MAX_BOOKING_DAYS * 86_400_000) {
    throw new ControlRoomError(
      "E_BOOKING_TOO_LONG",
      `end ${times.end} is more than ${MAX_BOOKING_DAYS} days after start ${times.start}: book a long project as several sessions`,
      "end",
    );
  }
  return { startsAt, endsAt };
}

/** Whether two intervals share time; ones that only touch (10–12 and 12–14) do not. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.startsAt.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.endsAt.getTime();
}

/** Minutes a booking lasts, by the clock on the wall of no zone: real elapsed time. */
export function bookedMinutes(interval: Interval): number {
  return Math.round((interval.endsAt.getTime() - interval.startsAt.getTime()) / 60_000);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/**
 * What the clock on the wall in `timeZone` reads at `instant`. Intl's formatter, kept per
 * zone: a hundred times faster than building a zoned date-time for every line of a budget.
 */
function wallClock(instant: Date, timeZone: string): WallClock {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    clocks.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
  };
}

const two = (n: number) => String(n).padStart(2, "0");
const dateOf = (c: WallClock) => `${String(c.year).padStart(4, "0")}-${two(c.month)}-${two(c.day)}`;
const timeOf = (c: WallClock) => `${two(c.hour)}:${two(c.minute)}`;

/** Calendar days, in the booking's zone, the booking touches (what a day rate charges). */
export function bookedDays(interval: Interval, timeZone: string): number {
  const first = wallClock(interval.startsAt, timeZone);
  // The end is exclusive: a session that ends at midnight does not touch the next day.
  const last = wallClock(new Date(interval.endsAt.getTime() - 1), timeZone);
  const days = (c: WallClock) => Date.UTC(c.year, c.month - 1, c.day) / 86_400_000;
  return days(last) - days(first) + 1;
}

/** `2026-03-29 10:00–18:00 Europe/London`, as the diary would read it. */
export function describeInterval(interval: Interval, timeZone: string): string {
  const start = wallClock(interval.startsAt, timeZone);
  const end = wallClock(interval.endsAt, timeZone);
  const endText = dateOf(start) === dateOf(end) ? timeOf(end) : `${dateOf(end)} ${timeOf(end)}`;
  return `${dateOf(start)} ${timeOf(start)}–${endText} ${timeZone}`;
}

/** The local wall-clock time of an instant in a zone, as the API gives it back. */
export function localTime(instant: Date, timeZone: string): string {
  const clock = wallClock(instant, timeZone);
  return `${dateOf(clock)}T${timeOf(clock)}`;
}
