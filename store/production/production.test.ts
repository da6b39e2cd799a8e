import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookingInterval } from "../../production/bookings/booking.ts";
import { budgetTotals } from "../../production/budget/totals.ts";
import type { Account } from "../accounts.ts";
import type { ProjectRecord } from "../projects.ts";
import type { Store } from "../store.ts";
import { type OpenedStore, testDatabases } from "../test-support/databases.ts";
import { firstDocument, someAccount } from "../test-support/documents.ts";
import type { BookingFields } from "./bookings.ts";

const now = new Date("2026-04-01T09:00:00Z");
const london = (start: string, end: string) =>
  bookingInterval({ start, end, timeZone: "Europe/London" });

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`the production office on ${database.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let producer: Account;
    let first: ProjectRecord;
    let second: ProjectRecord;
    let roomId: string;
    let engineerId: string;

    const fields = (over: Partial<BookingFields>): BookingFields => ({
      roomId,
      personIds: [],
      timeZone: "Europe/London",
      status: "confirmed",
      purpose: "tracking",
      title: "",
      ...london("2026-05-04T10:00", "2026-05-04T18:00"),
      ...over,
    });

    beforeAll(async () => {
      opened = await database.open();
      store = opened.store;
      producer = await someAccount(store, "Producer");
      first = await store.createProject({
        title: "First Light",
        owner: producer.id,
        document: firstDocument(),
      });
      second = await store.createProject({
        title: "Second Wind",
        owner: producer.id,
        document: firstDocument(),
      });
      const studio = await store.production.studios.createStudio({
        name: "Hill St Studios",
        address: "1 Hill St",
        timeZone: "Europe/London",
        notes: "",
      });
      roomId = (
        await store.production.studios.createRoom(studio.id, {
          name: "Room A",
          rates: [{ kind: "hourly", amountMinor: 6500, currency: "GBP" }],
          equipment: ["Neve 8078"],
          notes: "",
        })
      ).id;
      const engineer = await store.production.team.addTeamMember(
        first.id,
        { name: "Jo Engineer", contact: { email: "jo@example.test" } },
        {
          roles: ["engineer"],
          rates: [{ kind: "daily", amountMinor: 40000, currency: "GBP" }],
          songs: 1,
        },
        producer.id,
      );
      engineerId = engineer.person.id;
      await store.production.team.addTeamMember(
        second.id,
        { personId: engineerId },
        { roles: ["engineer"], rates: [], songs: 1 },
        producer.id,
      );
    });
    afterAll(() => opened.cleanup());

    it("rejects a booking of the engineer's time in another project, naming them and the room", async () => {
      await store.production.bookings.createBooking(
        first.id,
        fields({ personIds: [engineerId] }),
        producer.id,
        now,
      );
      const refused = await store.production.bookings
        .createBooking(
          second.id,
          fields({
            roomId: null,
            personIds: [engineerId],
            ...london("2026-05-04T17:00", "2026-05-04T19:00"),
          }),
          producer.id,
          now,
        )
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: "E_BOOKING_CONFLICT", subject: "personIds" });
      expect((refused as Error).message).toBe(
        "double booking: Jo Engineer is already booked 2026-05-04 10:00–18:00 Europe/London in Room A at Hill St Studios for another project (tracking)",
      );
    });

    it("books the next session that starts as the last one ends", async () => {
      const next = await store.production.bookings.createBooking(
        first.id,
        fields({ personIds: [engineerId], ...london("2026-05-04T18:00", "2026-05-04T20:00") }),
        producer.id,
        now,
      );
      expect(next.personIds).toEqual([engineerId]);
    });

    it("lets only one of two bookings of the room made at once win", async () => {
      const other = await opened.openClient();
      const times = london("2026-06-01T10:00", "2026-06-01T12:00");
      const results = await Promise.allSettled([
        store.production.bookings.createBooking(first.id, fields(times), producer.id, now),
        other.production.bookings.createBooking(second.id, fields(times), producer.id, now),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: "E_BOOKING_CONFLICT" });
    });

    it("turns a confirmed booking into actuals, and a session report's hours into the real cost", async () => {
      const project = await store.createProject({
        title: "Third",
        owner: producer.id,
        document: firstDocument(),
      });
      await store.production.team.addTeamMember(
        project.id,
        { personId: engineerId },
        {
          roles: ["engineer"],
          rates: [{ kind: "hourly", amountMinor: 3000, currency: "GBP" }],
          songs: 1,
        },
        producer.id,
      );
      const booking = await store.production.bookings.createBooking(
        project.id,
        fields({
          status: "hold",
          personIds: [engineerId],
          ...london("2026-07-01T10:00", "2026-07-01T14:00"),
        }),
        producer.id,
        now,
      );
      const before = budgetTotals(await store.production.budget.budgetLinesOf(project.id));
      expect(before.currencies).toEqual([]);
      await store.production.bookings.changeBooking(
        project.id,
        booking.id,
        (current) => ({ ...current, personIds: [...current.personIds], status: "confirmed" }),
        producer.id,
        now,
      );
      const lines = await store.production.budget.budgetLinesOf(project.id);
      expect(lines.map((l) => [l.category, l.actualMinor])).toEqual([
        ["studio time", 26000],
        ["engineer", 12000],
      ]);
      expect(lines[0].approved).toEqual({ by: producer.id, at: now });
      await store.production.bookings.saveSessionReport(
        project.id,
        booking.id,
        { minutesUsed: 180, takes: ["audio/vocal-take-3.wav"], notes: "" },
        producer.id,
        now,
      );
      const after = budgetTotals(await store.production.budget.budgetLinesOf(project.id));
      expect(after.currencies[0].actualMinor).toBe(19500 + 9000);
    });

    it("records who approved and who paid an expense", async () => {
      const line = await store.production.budget.addExpense(
        first.id,
        {
          category: "equipment hire",
          description: "Tube mic, two days",
          currency: "EUR",
          amountMinor: 24000,
          recoupable: true,
        },
        producer.id,
        now,
      );
      expect(line.status).toBe("proposed");
      const later = new Date("2026-04-02T09:00:00Z");
      await store.production.budget.advanceLine(first.id, line.id, "approved", producer.id, now);
      const paid = await store.production.budget.advanceLine(
        first.id,
        line.id,
        "paid",
        producer.id,
        later,
      );
      expect(paid).toMatchObject({
        status: "paid",
        approved: { by: producer.id, at: now },
        paid: { by: producer.id, at: later },
      });
      await expect(
        store.production.budget.changeBudgetLine(first.id, line.id, { actualMinor: 1 }),
      ).rejects.toMatchObject({ code: "E_BUDGET_LINE_PAID" });
    });

    it("creates a decision's tasks for people on the team only", async () => {
      const { decision, tasks } = await store.production.decisions.recordDecision(
        first.id,
        {
          what: "Re-record the chorus vocal",
          why: "The pitch drifts in bar 12",
          links: [{ kind: "section", id: "chorus" }],
          tasks: [
            { title: "Set up the vocal booth", assigneeId: engineerId, dueDate: "2026-05-10" },
          ],
        },
        producer.id,
        now,
      );
      expect(decision.taskIds).toEqual([tasks[0].id]);
      await expect(
        store.production.decisions.recordDecision(
          first.id,
          {
            what: "x",
            why: "y",
            links: [],
            tasks: [{ title: "t", assigneeId: "00000000-0000-4000-8000-000000000000" }],
          },
          producer.id,
          now,
        ),
      ).rejects.toMatchObject({ code: "E_NOT_FOUND_TEAM_MEMBER", subject: "assigneeId" });
      expect(await store.production.decisions.listDecisions(first.id)).toHaveLength(1);
    });
  });
}
