import { describe, expect, it } from "vitest";
import { type Booking, bookedDays, bookedMinutes, bookingInterval, overlaps } from "./booking.ts";
import { conflictError, findConflicts } from "./conflicts.ts";

const names = {
  room: (id: string) => (id === "room-a" ? "Room A at Abbey Lane" : id),
  person: (id: string) => ({ ana: "Ana Silva", ben: "Ben Okafor" })[id] ?? id,
  where: (booking: Booking) =>
    booking.roomId === "room-a" ? "Room A at Abbey Lane" : "Room B at Hill St",
  project: (booking: Booking) => (booking.projectId === "p1" ? "“First Light”" : "another project"),
};

function booking(
  id: string,
  times: { start: string; end: string; timeZone: string },
  fields: Partial<Booking> = {},
): Booking {
  return {
    id,
    projectId: "p1",
    roomId: "room-a",
    personIds: [],
    timeZone: times.timeZone,
    status: "confirmed",
    purpose: "tracking",
    title: "",
    ...bookingInterval(times),
    ...fields,
  };
}

const london = (start: string, end: string) => ({ start, end, timeZone: "Europe/London" });

describe("double bookings", () => {
  const existing = booking("b1", london("2026-05-04T10:00", "2026-05-04T18:00"), {
    personIds: ["ana"],
  });

  it("rejects a booking that overlaps the room's other session, naming the room and when", () => {
    const candidate = booking("new", london("2026-05-04T17:00", "2026-05-04T20:00"));
    const conflicts = findConflicts(candidate, [existing], names);
    expect(conflicts.map((c) => [c.kind, c.name])).toEqual([["room", "Room A at Abbey Lane"]]);
    expect(conflictError(conflicts).message).toBe(
      "double booking: Room A at Abbey Lane is already booked 2026-05-04 10:00–18:00 Europe/London for “First Light” (tracking)",
    );
  });

  it("allows sessions whose edges only touch", () => {
    const after = booking("new", london("2026-05-04T18:00", "2026-05-04T22:00"), {
      personIds: ["ana"],
    });
    const before = booking("new2", london("2026-05-04T08:00", "2026-05-04T10:00"));
    expect(findConflicts(after, [existing], names)).toEqual([]);
    expect(findConflicts(before, [existing], names)).toEqual([]);
  });

  it("rejects a booking that overlaps the engineer's other session in another room", () => {
    const candidate = booking("new", london("2026-05-04T09:00", "2026-05-04T11:00"), {
      roomId: "room-b",
      personIds: ["ben", "ana"],
    });
    const conflicts = findConflicts(candidate, [existing], names);
    expect(conflicts.map((c) => [c.kind, c.name])).toEqual([["person", "Ana Silva"]]);
    expect(conflictError(conflicts).message).toContain(
      "Ana Silva is already booked 2026-05-04 10:00–18:00 Europe/London in Room A at Abbey Lane",
    );
    expect(conflictError(conflicts).subject).toBe("personIds");
  });

  it("finds the same person in two projects, naming the other only as another project", () => {
    const elsewhere = booking("b2", london("2026-05-05T10:00", "2026-05-05T12:00"), {
      projectId: "p2",
      roomId: "room-b",
      personIds: ["ana"],
    });
    const candidate = booking("new", london("2026-05-05T11:00", "2026-05-05T13:00"), {
      personIds: ["ana"],
    });
    const [conflict] = findConflicts(candidate, [elsewhere], names);
    expect(conflict.project).toBe("another project");
    expect(conflictError([conflict]).message).toContain("in Room B at Hill St for another project");
  });

  it("compares times in different zones as the instants they are", () => {
    // 10:00–18:00 in London is 11:00–19:00 in Berlin (both on summer time).
    const berlin = (start: string, end: string) => ({ start, end, timeZone: "Europe/Berlin" });
    expect(
      findConflicts(
        booking("new", berlin("2026-05-04T18:30", "2026-05-04T20:00")),
        [existing],
        names,
      ),
    ).toHaveLength(1);
    expect(
      findConflicts(
        booking("new", berlin("2026-05-04T19:00", "2026-05-04T20:00")),
        [existing],
        names,
      ),
    ).toEqual([]);
    // 05:00–06:00 in New York is 10:00–11:00 in London.
    const newYork = booking("new", {
      start: "2026-05-04T05:00",
      end: "2026-05-04T06:00",
      timeZone: "America/New_York",
    });
    expect(findConflicts(newYork, [existing], names)).toHaveLength(1);
  });

  it("counts a session across the change to summer time as the hours it really lasts", () => {
    // London's clocks go from 01:00 to 02:00 on 29 March 2026: 00:00–04:00 is three hours.
    const night = bookingInterval(london("2026-03-29T00:00", "2026-03-29T04:00"));
    expect(bookedMinutes(night)).toBe(180);
    expect(bookedDays(night, "Europe/London")).toBe(1);
    // A booking 03:00–05:00 that day starts after one that ended at 01:59 local, not before.
    const early = bookingInterval(london("2026-03-29T00:30", "2026-03-29T00:59"));
    const late = bookingInterval(london("2026-03-29T02:00", "2026-03-29T05:00"));
    expect(overlaps(early, late)).toBe(false);
    // In the autumn 00:00–04:00 lasts five hours; 01:30 (the first) overlaps it.
    const autumn = bookingInterval(london("2026-10-25T00:00", "2026-10-25T04:00"));
    expect(bookedMinutes(autumn)).toBe(300);
  });

  it("refuses a local time the clocks skip when summer time starts", () => {
    expect(() => bookingInterval(london("2026-03-29T01:30", "2026-03-29T03:00"))).toThrow(
      /start 2026-03-29T01:30 does not exist in Europe\/London/,
    );
  });

  it("refuses a booking that ends before it starts, naming the end", () => {
    try {
      bookingInterval(london("2026-05-04T18:00", "2026-05-04T10:00"));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "E_BOOKING_ENDS_BEFORE_START", subject: "end" });
    }
    expect(() => bookingInterval(london("2026-05-04T18:00", "2026-05-04T18:00"))).toThrow(/end/);
  });

  it("refuses an unknown time zone, naming it", () => {
    expect(() =>
      bookingInterval({
        start: "2026-05-04T10:00",
        end: "2026-05-04T12:00",
        timeZone: "Mars/Olympus",
      }),
    ).toThrow(/timeZone "Mars\/Olympus"/);
  });

  it("ignores cancelled bookings on either side, and counts holds", () => {
    const cancelled = { ...existing, status: "cancelled" as const };
    const candidate = booking("new", london("2026-05-04T12:00", "2026-05-04T13:00"));
    expect(findConflicts(candidate, [cancelled], names)).toEqual([]);
    expect(findConflicts(candidate, [{ ...existing, status: "hold" }], names)).toHaveLength(1);
    expect(findConflicts({ ...candidate, status: "cancelled" }, [existing], names)).toEqual([]);
  });
});
