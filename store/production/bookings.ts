import { and, asc, eq, gt, inArray, lt, ne, sql } from "drizzle-orm";
import { ControlRoomError } from "../../music/errors.ts";
import type { Booking, BookingPurpose, BookingStatus } from "../../production/bookings/booking.ts";
import { conflictError, findConflicts } from "../../production/bookings/conflicts.ts";
import type { SessionReport } from "../../production/bookings/session-report.ts";
import { type AuditRecord, recordAudit } from "../audit.ts";
import type { StoreDatabase } from "../database.ts";
import { checkId } from "../ids.ts";
import { projects } from "../schema.ts";
import { bookingPeople, bookings, people, rooms, sessionReports, studios } from "./schema.ts";
import { requireOnTeam } from "./team.ts";

/**
 * Bookings, checked for double bookings inside their transaction: the room's row and each
 * booked person's row are locked first (in id order, so two bookings never wait on each
 * other), then the overlapping live bookings are read. A second booking of the same room or
 * person waits for the first to commit and then sees it, so two cannot both win.
 */

export interface StoredBooking extends Booking {
  createdBy: string | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  report: (SessionReport & { reportedBy: string | null; reportedAt: Date }) | null;
}

export interface BookingFields {
  roomId: string | null;
  personIds: string[];
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  status: BookingStatus;
  purpose: BookingPurpose;
  title: string;
}

function bookingMissing(bookingId: string): ControlRoomError {
  return new ControlRoomError(
    "E_NOT_FOUND_BOOKING",
    `this project has no booking ${bookingId}`,
    "bookingId",
  );
}

/** Bookings by id, with their people and reports. */
async function loadBookings(
  db: StoreDatabase,
  rows: (typeof bookings.$inferSelect)[],
): Promise<StoredBooking[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [links, reports] = await Promise.all([
    db
      .select({ bookingId: bookingPeople.bookingId, personId: bookingPeople.personId })
      .from(bookingPeople)
      .where(inArray(bookingPeople.bookingId, ids)),
    db.select().from(sessionReports).where(inArray(sessionReports.bookingId, ids)),
  ]);
  const peopleOf = new Map<string, string[]>();
  for (const link of links) {
    const list = peopleOf.get(link.bookingId) ?? [];
    list.push(link.personId);
    peopleOf.set(link.bookingId, list);
  }
  const reportOf = new Map(reports.map((report) => [report.bookingId, report]));
  return rows.map((row) => {
    const report = reportOf.get(row.id);
    return {
      id: row.id,
      projectId: row.projectId,
      roomId: row.roomId,
      personIds: (peopleOf.get(row.id) ?? []).sort(),
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      timeZone: row.timeZone,
      status: row.status,
      purpose: row.purpose,
      title: row.title,
      createdBy: row.createdBy,
      confirmedBy: row.confirmedBy,
      confirmedAt: row.confirmedAt,
      report: report
        ? {
            minutesUsed: report.minutesUsed,
            takes: report.takes,
            notes: report.notes,
            reportedBy: report.reportedBy,
            reportedAt: report.reportedAt,
          }
        : null,
    };
  });
}

/** Locks the room's and the people's rows, in id order; refuses an unknown room. */
async function lockResources(tx: StoreDatabase, fields: BookingFields): Promise<void> {
  if (fields.roomId !== null) {
    const [room] = await tx
      .select({ id: rooms.id })
      .from(rooms)
      .where(eq(rooms.id, fields.roomId))
      .for("update");
    if (!room) {
      throw new ControlRoomError("E_NOT_FOUND_ROOM", `there is no room ${fields.roomId}`, "roomId");
    }
  }
  if (fields.personIds.length > 0) {
    await tx
      .select({ id: people.id })
      .from(people)
      .where(inArray(people.id, fields.personIds))
      .orderBy(asc(people.id))
      .for("update");
  }
}

/** Every live booking overlapping `fields` that shares its room or one of its people. */
export async function overlappingBookings(
  tx: StoreDatabase,
  fields: Pick<BookingFields, "roomId" | "personIds" | "startsAt" | "endsAt">,
  except: string | null,
): Promise<StoredBooking[]> {
  const ids = new Set<string>();
  if (fields.roomId !== null) {
    const rows = await tx
      .select({ id: bookings.id })
      .from(bookings)
      .where(
        and(
          eq(bookings.roomId, fields.roomId),
          ne(bookings.status, "cancelled"),
          lt(bookings.startsAt, fields.endsAt),
          gt(bookings.endsAt, fields.startsAt),
        ),
      );
    for (const row of rows) ids.add(row.id);
  }
  if (fields.personIds.length > 0) {
    const rows = await tx
      .select({ id: bookingPeople.bookingId })
      .from(bookingPeople)
      .where(
        and(
          inArray(bookingPeople.personId, fields.personIds),
          eq(bookingPeople.live, true),
          lt(bookingPeople.startsAt, fields.endsAt),
          gt(bookingPeople.endsAt, fields.startsAt),
        ),
      );
    for (const row of rows) ids.add(row.id);
  }
  if (except !== null) ids.delete(except);
  if (ids.size === 0) return [];
  return loadBookings(
    tx,
    await tx
      .select()
      .from(bookings)
      .where(inArray(bookings.id, [...ids])),
  );
}

/** Refuses `fields` if it double-books anything, naming who or what and where. */
async function refuseConflicts(
  tx: StoreDatabase,
  projectId: string,
  fields: BookingFields,
  except: string | null,
): Promise<void> {
  if (fields.status === "cancelled") return;
  const others = await overlappingBookings(tx, fields, except);
  if (others.length === 0) return;
  const roomIds = [
    ...new Set([fields.roomId, ...others.map((b) => b.roomId)].filter((id) => id !== null)),
  ];
  const roomRows =
    roomIds.length === 0
      ? []
      : await tx
          .select({ id: rooms.id, name: rooms.name, studio: studios.name })
          .from(rooms)
          .innerJoin(studios, eq(studios.id, rooms.studioId))
          .where(inArray(rooms.id, roomIds));
  const roomName = new Map(roomRows.map((r) => [r.id, `${r.name} at ${r.studio}`]));
  const personRows =
    fields.personIds.length === 0
      ? []
      : await tx
          .select({ id: people.id, name: people.name })
          .from(people)
          .where(inArray(people.id, fields.personIds));
  const personName = new Map(personRows.map((p) => [p.id, p.name]));
  const [project] = await tx
    .select({ title: projects.title })
    .from(projects)
    .where(eq(projects.id, projectId));
  const conflicts = findConflicts({ ...fields, id: except ?? undefined }, others, {
    room: (id) => roomName.get(id) ?? "the room",
    person: (id) => personName.get(id) ?? "someone",
    where: (booking) =>
      booking.roomId === null ? "no room" : (roomName.get(booking.roomId) ?? "a room"),
    // Another project's title is not this producer's to read.
    project: (booking) =>
      booking.projectId === projectId
        ? `this project (“${project?.title ?? ""}”)`
        : "another project",
  });
  if (conflicts.length > 0) throw conflictError(conflicts);
}

export async function createBooking(
  db: StoreDatabase,
  projectId: string,
  fields: BookingFields,
  by: string,
  now: Date,
  audit?: (booking: StoredBooking) => AuditRecord,
): Promise<StoredBooking> {
  checkId(projectId, "projectId");
  if (fields.roomId !== null) checkId(fields.roomId, "roomId");
  return db.transaction(async (tx) => {
    await requireOnTeam(tx, projectId, fields.personIds, "personIds");
    await lockResources(tx, fields);
    await refuseConflicts(tx, projectId, fields, null);
    const confirmed = fields.status === "confirmed";
    const [row] = await tx
      .insert(bookings)
      .values({
        projectId,
        roomId: fields.roomId,
        startsAt: fields.startsAt,
        endsAt: fields.endsAt,
        timeZone: fields.timeZone,
        status: fields.status,
        purpose: fields.purpose,
        title: fields.title,
        createdBy: by,
        confirmedBy: confirmed ? by : null,
        confirmedAt: confirmed ? now : null,
      })
      .returning();
    if (fields.personIds.length > 0) {
      await tx.insert(bookingPeople).values(
        fields.personIds.map((personId) => ({
          bookingId: row.id,
          personId,
          startsAt: fields.startsAt,
          endsAt: fields.endsAt,
          live: fields.status !== "cancelled",
        })),
      );
    }
    const [booking] = await loadBookings(tx, [row]);
    if (audit) await recordAudit(tx, audit(booking));
    return booking;
  });
}

/** Changes a booking (its times, room, people, status…), checked again for conflicts. */
export async function changeBooking(
  db: StoreDatabase,
  projectId: string,
  bookingId: string,
  change: (current: StoredBooking) => BookingFields,
  by: string,
  now: Date,
  audit?: (before: StoredBooking, after: StoredBooking) => AuditRecord,
): Promise<StoredBooking> {
  checkId(projectId, "projectId");
  checkId(bookingId, "bookingId");
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select()
      .from(bookings)
      .where(and(eq(bookings.id, bookingId), eq(bookings.projectId, projectId)))
      .for("update");
    if (!locked) throw bookingMissing(bookingId);
    const [before] = await loadBookings(tx, [locked]);
    const fields = change(before);
    if (fields.roomId !== null) checkId(fields.roomId, "roomId");
    const added = fields.personIds.filter((id) => !before.personIds.includes(id));
    await requireOnTeam(tx, projectId, added, "personIds");
    await lockResources(tx, fields);
    await refuseConflicts(tx, projectId, fields, bookingId);
    const confirming = fields.status === "confirmed" && before.status !== "confirmed";
    const [row] = await tx
      .update(bookings)
      .set({
        roomId: fields.roomId,
        startsAt: fields.startsAt,
        endsAt: fields.endsAt,
        timeZone: fields.timeZone,
        status: fields.status,
        purpose: fields.purpose,
        title: fields.title,
        ...(confirming ? { confirmedBy: by, confirmedAt: now } : {}),
        ...(fields.status !== "confirmed" ? { confirmedBy: null, confirmedAt: null } : {}),
      })
      .where(eq(bookings.id, bookingId))
      .returning();
    await tx.delete(bookingPeople).where(eq(bookingPeople.bookingId, bookingId));
    if (fields.personIds.length > 0) {
      await tx.insert(bookingPeople).values(
        fields.personIds.map((personId) => ({
          bookingId,
          personId,
          startsAt: fields.startsAt,
          endsAt: fields.endsAt,
          live: fields.status !== "cancelled",
        })),
      );
    }
    const [after] = await loadBookings(tx, [row]);
    if (audit) await recordAudit(tx, audit(before, after));
    return after;
  });
}

export async function listProjectBookings(
  db: StoreDatabase,
  projectId: string,
  status?: BookingStatus,
): Promise<StoredBooking[]> {
  checkId(projectId, "projectId");
  return loadBookings(
    db,
    await db
      .select()
      .from(bookings)
      .where(
        and(
          eq(bookings.projectId, projectId),
          status === undefined ? undefined : eq(bookings.status, status),
        ),
      )
      .orderBy(asc(bookings.startsAt), asc(bookings.id)),
  );
}

export async function findBooking(
  db: StoreDatabase,
  projectId: string,
  bookingId: string,
): Promise<StoredBooking> {
  checkId(projectId, "projectId");
  checkId(bookingId, "bookingId");
  const rows = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.id, bookingId), eq(bookings.projectId, projectId)));
  if (rows.length === 0) throw bookingMissing(bookingId);
  const [booking] = await loadBookings(db, rows);
  return booking;
}

/** A person's bookings on every project (their calendar feed), or those of `projectIds`. */
export async function listPersonBookings(
  db: StoreDatabase,
  personId: string,
  projectIds?: readonly string[],
): Promise<StoredBooking[]> {
  checkId(personId, "personId");
  if (projectIds?.length === 0) return [];
  const rows = await db
    .select({ booking: bookings })
    .from(bookingPeople)
    .innerJoin(bookings, eq(bookings.id, bookingPeople.bookingId))
    .where(
      and(
        eq(bookingPeople.personId, personId),
        projectIds === undefined ? undefined : inArray(bookings.projectId, [...projectIds]),
      ),
    )
    .orderBy(asc(bookings.startsAt), asc(bookings.id));
  return loadBookings(
    db,
    rows.map((row) => row.booking),
  );
}

export async function listRoomBookings(
  db: StoreDatabase,
  roomId: string,
): Promise<StoredBooking[]> {
  checkId(roomId, "roomId");
  return loadBookings(
    db,
    await db
      .select()
      .from(bookings)
      .where(eq(bookings.roomId, roomId))
      .orderBy(asc(bookings.startsAt), asc(bookings.id)),
  );
}

/** Writes (or rewrites) the report of a session that was not cancelled. */
export async function saveSessionReport(
  db: StoreDatabase,
  projectId: string,
  bookingId: string,
  report: SessionReport,
  by: string,
  now: Date,
  audit?: AuditRecord,
): Promise<StoredBooking> {
  return db.transaction(async (tx) => {
    const booking = await findBooking(tx, projectId, bookingId);
    if (booking.status === "cancelled") {
      throw new ControlRoomError(
        "E_BOOKING_CANCELLED",
        "a cancelled booking has no session to report",
        "bookingId",
      );
    }
    await tx
      .insert(sessionReports)
      .values({ bookingId, ...report, reportedBy: by, reportedAt: now })
      .onConflictDoUpdate({
        target: sessionReports.bookingId,
        set: { ...report, reportedBy: by, reportedAt: now },
      });
    if (audit) await recordAudit(tx, audit);
    return findBooking(tx, projectId, bookingId);
  });
}

/** How many bookings the server holds (the benchmark's check that it seeded them). */
export async function countBookings(db: StoreDatabase): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(bookings);
  return row.n;
}
