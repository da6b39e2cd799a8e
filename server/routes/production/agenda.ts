import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ControlRoomError } from "../../../music/errors.ts";
import { bookingsCalendar, type FeedEvent } from "../../../production/bookings/calendar-feed.ts";
import { agendaTasks } from "../../../production/decisions/decisions.ts";
import type { StoredBooking } from "../../../store/production/bookings.ts";
import type { AuthContext } from "../../auth.ts";
import { caller } from "../../route-access.ts";
import {
  BookingOut,
  bookingOut,
  calendarToken,
  calendarUrl,
  clock,
  ProjectParams,
} from "./common.ts";
import { TaskOut, taskOut } from "./decisions.ts";

const Agenda = z
  .object({
    personId: z
      .string()
      .nullable()
      .describe("The caller as a person of the team; null when no team has them yet."),
    bookings: z.array(BookingOut).describe("Their bookings not yet over, soonest first."),
    tasks: z.array(TaskOut).describe("Their open tasks, soonest due first."),
    calendarUrl: z.string().nullable().describe("Their bookings as an iCalendar feed."),
  })
  .meta({ id: "Agenda" });

/** Tokens are 64 hex digits (an HMAC-SHA-256). */
const FeedQuery = z.strictObject({ token: z.string().max(200) });

/** Compares two strings in time that does not depend on where they differ. */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * "My tasks and bookings", on one project or on all of them, and the iCalendar feeds of a
 * person's and a room's bookings, opened by an unguessable token in the URL (calendar apps
 * send no cookies).
 */
export function agendaRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const office = context.store.production;
  const now = clock(context);

  async function agenda(
    request: Parameters<typeof caller>[0],
    projectId: string | undefined,
  ): Promise<z.infer<typeof Agenda>> {
    const signedIn = caller(request);
    const me = await office.team.findPersonOfAccount(signedIn.account.id);
    if (!me) return { personId: null, bookings: [], tasks: [], calendarUrl: null };
    const projects =
      projectId === undefined
        ? (await context.store.listAccountProjects(signedIn.account.id)).map((p) => p.id)
        : [projectId];
    const at = now().getTime();
    const bookings = (await office.bookings.listPersonBookings(me.id, projects)).filter(
      (booking) => booking.status !== "cancelled" && booking.endsAt.getTime() > at,
    );
    const tasks = agendaTasks(
      await office.decisions.listPersonTasks(me.id, signedIn.account.id, projectId),
    );
    return {
      personId: me.id,
      bookings: bookings.map(bookingOut),
      tasks: tasks.map(taskOut),
      calendarUrl: await calendarUrl(request, context, "person", me.id),
    };
  }

  route.get(
    "/api/projects/:projectId/agenda",
    {
      config: { access: { project: "project.read" } },
      schema: {
        summary: "My tasks and bookings here",
        description:
          "The caller's own bookings to come and open tasks on this project. No rates, no money.",
        params: ProjectParams,
        response: { 200: Agenda },
      },
    },
    async (request) => agenda(request, request.params.projectId),
  );

  route.get(
    "/api/agenda",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "My tasks and bookings",
        description:
          "The caller's own bookings to come and open tasks on every project they are a member of, and the link to their calendar feed.",
        response: { 200: Agenda },
      },
    },
    async (request) => agenda(request, undefined),
  );

  async function feed(
    kind: "person" | "room",
    id: string,
    token: string,
  ): Promise<{ name: string; events: FeedEvent[] }> {
    const refused = new ControlRoomError(
      "E_NOT_FOUND",
      "no calendar feed answers to this link; ask for the link again",
      "token",
    );
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw refused;
    if (!sameToken(token, await calendarToken(context, kind, id))) throw refused;
    let name: string;
    let bookings: StoredBooking[];
    if (kind === "person") {
      const person = await office.team.findPerson(id);
      if (!person) throw refused;
      name = `${person.name}: bookings`;
      bookings = await office.bookings.listPersonBookings(id);
    } else {
      const rooms = await office.studios.roomsWithStudios([id]);
      const room = rooms.get(id);
      if (!room) throw refused;
      name = `${room.name} at ${room.studioName}: bookings`;
      bookings = await office.bookings.listRoomBookings(id);
    }
    const rooms = await office.studios.roomsWithStudios(
      bookings.flatMap((b) => (b.roomId === null ? [] : [b.roomId])),
    );
    const titles = new Map<string, string>();
    for (const booking of bookings) {
      if (!titles.has(booking.projectId)) {
        titles.set(
          booking.projectId,
          (await context.store.findProject(booking.projectId))?.title ?? "",
        );
      }
    }
    return {
      name,
      events: bookings.map((booking) => {
        const room = booking.roomId === null ? undefined : rooms.get(booking.roomId);
        const purpose = booking.purpose[0].toUpperCase() + booking.purpose.slice(1);
        return {
          booking,
          summary: `${purpose}: ${booking.title || titles.get(booking.projectId)}`,
          location: room ? `${room.name}, ${room.studioName}` : "",
          description: `${titles.get(booking.projectId)}${booking.status === "hold" ? " (on hold)" : ""}`,
        };
      }),
    };
  }

  for (const kind of ["person", "room"] as const) {
    const noun = kind === "person" ? "people" : "rooms";
    route.get(
      `/api/calendars/${noun}/:id`,
      {
        config: { access: "public" },
        schema: {
          summary:
            kind === "person"
              ? "A person's bookings as iCalendar"
              : "A room's bookings as iCalendar",
          description:
            "An iCalendar (RFC 5545) feed for a calendar app to subscribe to: every booking with its time zone (TZID and VTIMEZONE), room and studio, held bookings TENTATIVE, cancelled CANCELLED. Opened by the token in the link (no cookies), which the agenda, the team list or the studio list gives; 404 for a wrong one.",
          params: z.strictObject({ id: z.string() }),
          querystring: FeedQuery,
        },
      },
      async (request, reply) => {
        const { name, events } = await feed(kind, request.params.id, request.query.token);
        return reply
          .header("content-type", "text/calendar; charset=utf-8")
          .header("cache-control", "private, max-age=300")
          .header("x-content-type-options", "nosniff")
          .send(bookingsCalendar(name, events, request.host.replace(/:\d+$/, ""), now()));
      },
    );
  }
}
