import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import { ICalCalendar, ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";
import type { Booking } from "./booking.ts";

/**
 * A person's or a room's bookings as an iCalendar feed (RFC 5545), for any calendar app to
 * subscribe to. Each event keeps the booking's zone (DTSTART;TZID=… with its VTIMEZONE), so
 * a session booked for 10:00 in London reads 10:00 London wherever it is opened.
 */

export interface FeedEvent {
  booking: Booking;
  /** What the event is called: the purpose and, where the reader may see it, the project. */
  summary: string;
  /** Where: the room and the studio. */
  location: string;
  description: string;
}

export function bookingsCalendar(
  name: string,
  events: readonly FeedEvent[],
  host: string,
  now: Date,
): string {
  const calendar = new ICalCalendar({
    name,
    prodId: { company: "Control Room", product: "bookings" },
  });
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  for (const { booking, summary, location, description } of events) {
    calendar.createEvent({
      id: `${booking.id}@${host}`,
      start: DateTime.fromJSDate(booking.startsAt, { zone: booking.timeZone }),
      end: DateTime.fromJSDate(booking.endsAt, { zone: booking.timeZone }),
      timezone: booking.timeZone,
      stamp: now,
      summary,
      location,
      description,
      status:
        booking.status === "confirmed"
          ? ICalEventStatus.CONFIRMED
          : booking.status === "cancelled"
            ? ICalEventStatus.CANCELLED
            : ICalEventStatus.TENTATIVE,
    });
  }
  return calendar.toString();
}
