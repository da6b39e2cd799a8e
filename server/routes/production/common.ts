import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { Role } from "../../../accounts/roles.ts";
import { can } from "../../../accounts/roles.ts";
import { localTime } from "../../../production/bookings/booking.ts";
import { RATE_KINDS, TEAM_ROLES } from "../../../production/team/people.ts";
import type { ProductionSubject } from "../../../store/events.ts";
import type { StoredBooking } from "../../../store/production/bookings.ts";
import type { AuthContext } from "../../auth.ts";

/** What the production routes share: the clock, the feed, and the calendar feeds' tokens. */

export const ProjectParams = z.strictObject({ projectId: z.string() });
export const Ok = z.object({ ok: z.literal(true) });

export function clock(context: AuthContext): () => Date {
  return () => context.now?.() ?? new Date();
}

/** Tells the project's feed what changed (never how much it cost). */
export function announce(
  context: AuthContext,
  projectId: string,
  subject: ProductionSubject,
  id: string,
  change: "created" | "changed" | "removed",
): void {
  context.feed?.publish({ type: "production", projectId, subject, id, change });
}

/** Whether the caller's role on the route's project may see money. */
export function seesMoney(role: Role): boolean {
  return can(role, "budget.read");
}

export const RateOut = z
  .object({ kind: z.enum(RATE_KINDS), amountMinor: z.number().int(), currency: z.string() })
  .meta({ id: "Rate" });

export const TeamRoleOut = z.enum(TEAM_ROLES);

export const BookingOut = z
  .object({
    id: z.string(),
    projectId: z.string(),
    roomId: z.string().nullable(),
    personIds: z.array(z.string()),
    start: z.string().describe("Local start in the booking's zone, 2026-05-04T10:00."),
    end: z.string(),
    timeZone: z.string(),
    startsAt: z.string().describe("The start as an instant (UTC)."),
    endsAt: z.string(),
    status: z.enum(["hold", "confirmed", "cancelled"]),
    purpose: z.enum(["tracking", "overdubs", "mixing", "mastering"]),
    title: z.string(),
    confirmedBy: z.string().nullable(),
    confirmedAt: z.string().nullable(),
    report: z
      .object({
        minutesUsed: z.number().int(),
        takes: z.array(z.string()),
        notes: z.string(),
        reportedBy: z.string().nullable(),
        reportedAt: z.string(),
      })
      .nullable(),
  })
  .meta({ id: "Booking" });

export function bookingOut(booking: StoredBooking): z.infer<typeof BookingOut> {
  return {
    id: booking.id,
    projectId: booking.projectId,
    roomId: booking.roomId,
    personIds: [...booking.personIds],
    start: localTime(booking.startsAt, booking.timeZone),
    end: localTime(booking.endsAt, booking.timeZone),
    timeZone: booking.timeZone,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    status: booking.status,
    purpose: booking.purpose,
    title: booking.title,
    confirmedBy: booking.confirmedBy,
    confirmedAt: booking.confirmedAt?.toISOString() ?? null,
    report: booking.report && {
      ...booking.report,
      reportedAt: booking.report.reportedAt.toISOString(),
    },
  };
}

/** The feeds' secret, read once per store: it never changes once made. */
const feedSecrets = new WeakMap<object, Promise<string>>();

/**
 * A calendar feed's token: an HMAC of what it shows under the studio's own secret, so it is
 * unguessable, needs no row, and works without cookies in any calendar app.
 */
export async function calendarToken(
  context: AuthContext,
  kind: "person" | "room",
  id: string,
): Promise<string> {
  let secret = feedSecrets.get(context.store);
  if (secret === undefined) {
    secret = context.store.studioSecret("calendar-feeds", () =>
      bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
    );
    feedSecrets.set(context.store, secret);
  }
  return bytesToHex(
    hmac(sha256, new TextEncoder().encode(await secret), new TextEncoder().encode(`${kind}:${id}`)),
  );
}

export async function calendarUrl(
  request: FastifyRequest,
  context: AuthContext,
  kind: "person" | "room",
  id: string,
): Promise<string> {
  const token = await calendarToken(context, kind, id);
  return `${request.protocol}://${request.host}/api/calendars/${kind === "person" ? "people" : "rooms"}/${id}?token=${token}`;
}
