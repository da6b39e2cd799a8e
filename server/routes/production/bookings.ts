import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ControlRoomError } from "../../../music/errors.ts";
import {
  BOOKING_PURPOSES,
  BOOKING_STATUSES,
  bookingInterval,
  localDateTimeSchema,
  localTime,
  timeZoneSchema,
} from "../../../production/bookings/booking.ts";
import { sessionReportSchema } from "../../../production/bookings/session-report.ts";
import { ratesSchema } from "../../../production/team/people.ts";
import { plainText } from "../../../production/text.ts";
import type { StoredBooking } from "../../../store/production/bookings.ts";
import { auditOf } from "../../audit.ts";
import type { AuthContext } from "../../auth.ts";
import { caller } from "../../route-access.ts";
import {
  announce,
  BookingOut,
  bookingOut,
  calendarUrl,
  clock,
  ProjectParams,
  RateOut,
} from "./common.ts";

const BookingParams = z.strictObject({ projectId: z.string(), bookingId: z.string() });
const personIds = z.array(z.uuid()).max(50).default([]);

const RoomOut = z
  .object({
    id: z.string(),
    studioId: z.string(),
    name: z.string(),
    rates: z.array(RateOut).optional().describe("Only for producers."),
    equipment: z.array(z.string()),
    notes: z.string(),
    calendarUrl: z.string().describe("The room's bookings as an iCalendar feed."),
  })
  .meta({ id: "Room" });

const StudioOut = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    timeZone: z.string(),
    notes: z.string(),
    rooms: z.array(RoomOut),
  })
  .meta({ id: "Studio" });

/**
 * Studios and rooms (the server's, shared by every project), and a project's bookings of
 * rooms and people, refused when they would put a room or a person in two places at once.
 */
export function bookingRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const office = context.store.production;
  const now = clock(context);

  /** Producers of some project keep studios and rooms, and see their rates. */
  async function producesSomething(accountId: string): Promise<boolean> {
    const projects = await context.store.listAccountProjects(accountId);
    return (
      projects.some((project) => project.role === "producer") ||
      (await context.store.isStudioOwner(accountId))
    );
  }

  async function requireProducer(accountId: string): Promise<void> {
    if (!(await producesSomething(accountId))) {
      throw new ControlRoomError(
        "E_FORBIDDEN",
        "studios and rooms are kept by producers (or the studio's owner)",
        "account",
      );
    }
  }

  route.get(
    "/api/studios",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "List studios and rooms",
        description:
          "Every studio and its rooms, with equipment, notes and each room's calendar feed. Rates only for producers.",
        response: { 200: z.object({ studios: z.array(StudioOut) }) },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      const money = await producesSomething(signedIn.account.id);
      const studios = await office.studios.listStudios();
      return {
        studios: await Promise.all(
          studios.map(async (studio) => ({
            ...studio,
            rooms: await Promise.all(
              studio.rooms.map(async ({ rates, ...room }) => ({
                ...room,
                ...(money ? { rates } : {}),
                calendarUrl: await calendarUrl(request, context, "room", room.id),
              })),
            ),
          })),
        ),
      };
    },
  );

  route.post(
    "/api/studios",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Add a studio",
        description:
          "A studio every project on the server can book. Producers of a project (or the studio's owner) only; 403 otherwise.",
        body: z.strictObject({
          name: plainText(200).pipe(z.string().min(1, "a studio has a name")),
          address: plainText(500, true).default(""),
          timeZone: timeZoneSchema,
          notes: plainText(4000, true).default(""),
        }),
        response: { 200: z.object({ ok: z.literal(true), studio: StudioOut }) },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      await requireProducer(signedIn.account.id);
      const studio = await office.studios.createStudio(request.body);
      await context.store.recordAudit(
        auditOf(request, context, {
          actorId: signedIn.account.id,
          event: "studio.created",
          subject: `studio:${studio.id}`,
          detail: { name: studio.name },
        }),
      );
      return { ok: true as const, studio: { ...studio, rooms: [] } };
    },
  );

  route.post(
    "/api/studios/:studioId/rooms",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Add a room to a studio",
        description:
          "A room with its hourly or daily rate (each with its currency), equipment and notes. Producers only.",
        params: z.strictObject({ studioId: z.string() }),
        body: z.strictObject({
          name: plainText(200).pipe(z.string().min(1, "a room has a name")),
          rates: ratesSchema.default([]),
          equipment: z.array(plainText(200)).max(500).default([]),
          notes: plainText(4000, true).default(""),
        }),
        response: { 200: z.object({ ok: z.literal(true), room: RoomOut }) },
      },
    },
    async (request) => {
      const signedIn = caller(request);
      await requireProducer(signedIn.account.id);
      const room = await office.studios.createRoom(request.params.studioId, request.body);
      await context.store.recordAudit(
        auditOf(request, context, {
          actorId: signedIn.account.id,
          event: "room.created",
          subject: `room:${room.id}`,
          detail: { name: room.name, rates: room.rates },
        }),
      );
      return {
        ok: true as const,
        room: { ...room, calendarUrl: await calendarUrl(request, context, "room", room.id) },
      };
    },
  );

  route.get(
    "/api/projects/:projectId/bookings",
    {
      config: { access: { project: "project.read" } },
      schema: {
        summary: "List the project's bookings",
        description:
          "Every booking of the project, soonest first, with local times in its zone and the session report when there is one. No money.",
        params: ProjectParams,
        response: { 200: z.object({ bookings: z.array(BookingOut) }) },
      },
    },
    async (request) => ({
      bookings: (await office.bookings.listProjectBookings(request.params.projectId)).map(
        bookingOut,
      ),
    }),
  );

  route.post(
    "/api/projects/:projectId/bookings",
    {
      config: { access: { project: "sessions.book" } },
      schema: {
        summary: "Book a room and people",
        description:
          "Start and end are local times in `timeZone` (2026-05-04T10:00). A booking that puts a room or a person in two places at once, on any project of the server, is refused with 409 naming who or what and where; sessions that only touch are fine. The people must be on the team.",
        params: ProjectParams,
        body: z.strictObject({
          roomId: z.uuid().nullable().default(null),
          personIds,
          start: localDateTimeSchema,
          end: localDateTimeSchema,
          timeZone: timeZoneSchema,
          status: z.enum(BOOKING_STATUSES).default("hold"),
          purpose: z.enum(BOOKING_PURPOSES),
          title: plainText(300).default(""),
        }),
        response: { 200: z.object({ ok: z.literal(true), booking: BookingOut }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const { start, end, timeZone, ...rest } = request.body;
      const booking = await office.bookings.createBooking(
        projectId,
        {
          ...rest,
          personIds: [...new Set(rest.personIds)],
          timeZone,
          ...bookingInterval({ start, end, timeZone }),
        },
        signedIn.account.id,
        now(),
        (created) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "booking.created",
            subject: `booking:${created.id}`,
            detail: request.body,
          }),
      );
      announce(context, projectId, "booking", booking.id, "created");
      return { ok: true as const, booking: bookingOut(booking) };
    },
  );

  route.patch(
    "/api/projects/:projectId/bookings/:bookingId",
    {
      config: { access: { project: "sessions.book" } },
      schema: {
        summary: "Change a booking",
        description:
          "Confirm or cancel it, move it, change its room or people. Checked again for double bookings. Confirming records who and when, and its hours flow into the budget's actuals.",
        params: BookingParams,
        body: z.strictObject({
          roomId: z.uuid().nullable().optional(),
          personIds: z.array(z.uuid()).max(50).optional(),
          start: localDateTimeSchema.optional(),
          end: localDateTimeSchema.optional(),
          timeZone: timeZoneSchema.optional(),
          status: z.enum(BOOKING_STATUSES).optional(),
          purpose: z.enum(BOOKING_PURPOSES).optional(),
          title: plainText(300).optional(),
        }),
        response: { 200: z.object({ ok: z.literal(true), booking: BookingOut }) },
      },
    },
    async (request) => {
      const { projectId, bookingId } = request.params;
      const signedIn = caller(request);
      const body = request.body;
      const booking = await office.bookings.changeBooking(
        projectId,
        bookingId,
        (current: StoredBooking) => {
          const timeZone = body.timeZone ?? current.timeZone;
          const moved =
            body.start !== undefined || body.end !== undefined || body.timeZone !== undefined;
          const interval = moved
            ? bookingInterval({
                start: body.start ?? localTime(current.startsAt, timeZone),
                end: body.end ?? localTime(current.endsAt, timeZone),
                timeZone,
              })
            : { startsAt: current.startsAt, endsAt: current.endsAt };
          return {
            roomId: body.roomId === undefined ? current.roomId : body.roomId,
            personIds: [...new Set(body.personIds ?? current.personIds)],
            timeZone,
            ...interval,
            status: body.status ?? current.status,
            purpose: body.purpose ?? current.purpose,
            title: body.title ?? current.title,
          };
        },
        signedIn.account.id,
        now(),
        (before, after) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "booking.changed",
            subject: `booking:${bookingId}`,
            detail: { changes: body, from: before.status, to: after.status },
          }),
      );
      announce(context, projectId, "booking", booking.id, "changed");
      return { ok: true as const, booking: bookingOut(booking) };
    },
  );

  route.put(
    "/api/projects/:projectId/bookings/:bookingId/report",
    {
      config: { access: { project: "recording.manage" } },
      schema: {
        summary: "Report on a session",
        description:
          "After the session: the minutes actually used (they price the booking's actuals in place of the hours booked), the takes recorded (project files) and notes.",
        params: BookingParams,
        body: sessionReportSchema,
        response: { 200: z.object({ ok: z.literal(true), booking: BookingOut }) },
      },
    },
    async (request) => {
      const { projectId, bookingId } = request.params;
      const signedIn = caller(request);
      const booking = await office.bookings.saveSessionReport(
        projectId,
        bookingId,
        request.body,
        signedIn.account.id,
        now(),
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "booking.reported",
          subject: `booking:${bookingId}`,
          detail: request.body,
        }),
      );
      announce(context, projectId, "booking", booking.id, "changed");
      return { ok: true as const, booking: bookingOut(booking) };
    },
  );
}
