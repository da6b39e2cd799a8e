import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { bookingInterval } from "../bookings/booking.ts";
import { bookingActuals, type ConfirmedBooking, derivedActuals, feeActuals } from "./actuals.ts";
import { approveExpense, markPaid } from "./approval.ts";
import type { BudgetLine } from "./budget-line.ts";
import { budgetCsv } from "./csv.ts";
import { budgetTotals } from "./totals.ts";

const at = new Date("2026-05-01T09:00:00Z");

function line(fields: Partial<BudgetLine>): BudgetLine {
  return {
    id: "l",
    kind: "planned",
    category: "studio time",
    description: "Studio",
    supplier: null,
    currency: "EUR",
    estimateMinor: 0,
    actualMinor: 0,
    recoupable: false,
    status: "approved",
    proposed: { by: "producer", at },
    approved: { by: "producer", at },
    paid: null,
    receipt: null,
    conversion: null,
    bookingId: null,
    personId: null,
    ...fields,
  };
}

describe("budget roll-ups", () => {
  it("totals estimate against actual per category and currency, and alerts when over", () => {
    const totals = budgetTotals([
      line({ category: "studio time", estimateMinor: 300000, actualMinor: 120050 }),
      line({ category: "studio time", estimateMinor: 0, actualMinor: 200000 }),
      line({ category: "mixing and mastering", estimateMinor: 150000, actualMinor: 0 }),
      line({ category: "contingency", estimateMinor: 45000 }),
      line({ category: "legal", currency: "USD", estimateMinor: 50000, actualMinor: 10000 }),
    ]);
    expect(totals.categories.find((c) => c.category === "studio time")).toMatchObject({
      currency: "EUR",
      estimateMinor: 300000,
      actualMinor: 320050,
      remainingMinor: -20050,
      over: true,
    });
    const eur = totals.currencies.find((c) => c.currency === "EUR")!;
    expect(eur).toMatchObject({ estimateMinor: 495000, actualMinor: 320050, over: false });
    // The contingency of 450.00 pays for studio time's 200.50 overspend: 249.50 left.
    expect(eur.contingencyRemainingMinor).toBe(24950);
    expect(totals.currencies.find((c) => c.currency === "USD")).toMatchObject({
      estimateMinor: 50000,
      actualMinor: 10000,
    });
    expect(totals.alerts).toEqual([
      expect.objectContaining({ scope: "category", category: "studio time", overByMinor: 20050 }),
    ]);
  });

  it("alerts when the whole budget and the contingency are used up", () => {
    const totals = budgetTotals([
      line({ category: "engineer", estimateMinor: 100000, actualMinor: 180000 }),
      line({ category: "contingency", estimateMinor: 10000 }),
    ]);
    expect(totals.alerts.map((a) => [a.scope, a.overByMinor])).toEqual([
      ["category", 80000],
      ["total", 70000],
      ["contingency", 70000],
    ]);
  });

  it("counts a converted line in the producer's currency at the rate it records", () => {
    const totals = budgetTotals([
      line({ category: "equipment hire", currency: "EUR", estimateMinor: 100000 }),
      line({
        category: "equipment hire",
        currency: "USD",
        actualMinor: 54321,
        conversion: { rate: "0.9137", currency: "EUR" },
      }),
    ]);
    // 543.21 USD × 0.9137 = 496.332… EUR → 496.33
    expect(totals.categories).toEqual([
      expect.objectContaining({ currency: "EUR", estimateMinor: 100000, actualMinor: 49633 }),
    ]);
  });

  it("keeps proposed costs apart as pending until they are approved", () => {
    const totals = budgetTotals([
      line({ estimateMinor: 1000, actualMinor: 700, status: "proposed", approved: null }),
    ]);
    expect(totals.categories[0]).toMatchObject({ actualMinor: 0, pendingMinor: 700 });
  });

  it("adds ten thousand lines of 0.10 to exactly 1 000.00", () => {
    const lines = Array.from({ length: 10_000 }, () => line({ actualMinor: 10 }));
    expect(budgetTotals(lines).currencies[0].actualMinor).toBe(100_000);
  });
});

describe("approval", () => {
  const expense = line({ kind: "expense", status: "proposed", approved: null });

  it("steps a cost from proposed to approved to paid, recording who and when", () => {
    const later = new Date("2026-05-02T10:00:00Z");
    const approved = { ...expense, ...approveExpense(expense, "maria", at) };
    expect(approved).toMatchObject({ status: "approved", approved: { by: "maria", at } });
    const paid = { ...approved, ...markPaid(approved, "maria", later) };
    expect(paid).toMatchObject({
      status: "paid",
      approved: { by: "maria", at },
      paid: { by: "maria", at: later },
    });
  });

  it("refuses to pay a cost nobody approved, or to approve one twice", () => {
    expect(() => markPaid(expense, "maria", at)).toThrow(/must be approved before it is paid/);
    const approved = { ...expense, ...approveExpense(expense, "maria", at) };
    expect(() => approveExpense(approved, "maria", at)).toThrow(/already approved/);
    const paid = { ...approved, ...markPaid(approved, "maria", at) };
    expect(() => markPaid(paid, "maria", at)).toThrow(/already paid/);
  });

  it("refuses to step a line derived from a booking by hand", () => {
    expect(() => approveExpense(line({ kind: "booking", status: "approved" }), "m", at)).toThrow(
      /confirmed booking/,
    );
  });
});

describe("actuals that flow in", () => {
  const rooms = new Map([
    [
      "room-a",
      {
        id: "room-a",
        name: "Room A",
        studioName: "Hill St Studios",
        rates: [{ kind: "hourly" as const, amountMinor: 6500, currency: "GBP" }],
      },
    ],
  ]);
  const team = new Map([
    [
      "eng",
      {
        personId: "eng",
        name: "Jo Engineer",
        roles: ["engineer" as const],
        rates: [{ kind: "daily" as const, amountMinor: 40000, currency: "GBP" }],
        songs: 1,
        agreed: { by: "maria", at },
      },
    ],
    [
      "bass",
      {
        personId: "bass",
        name: "Sam Bass",
        roles: ["session-musician" as const],
        rates: [
          { kind: "per-song" as const, amountMinor: 25000, currency: "GBP" },
          { kind: "flat" as const, amountMinor: 5000, currency: "GBP" },
        ],
        songs: 3,
        agreed: { by: "maria", at },
      },
    ],
  ]);
  const session: ConfirmedBooking = {
    id: "b1",
    projectId: "p1",
    roomId: "room-a",
    personIds: ["eng", "bass"],
    timeZone: "Europe/London",
    status: "confirmed",
    purpose: "tracking",
    title: "",
    ...bookingInterval({
      start: "2026-05-04T10:00",
      end: "2026-05-04T17:30",
      timeZone: "Europe/London",
    }),
    confirmed: { by: "maria", at },
    minutesUsed: null,
  };

  it("prices a confirmed booking at the room's hours and the engineer's day", () => {
    const lines = bookingActuals(session, rooms, team);
    expect(lines.map((l) => [l.category, l.currency, l.actualMinor, l.status])).toEqual([
      ["studio time", "GBP", 48750, "approved"], // 7.5 h × 65.00
      ["engineer", "GBP", 40000, "approved"], // one day
    ]);
    expect(lines[0].description).toBe(
      "Room A, tracking, 2026-05-04 10:00–17:30 Europe/London (7:30 h)",
    );
    expect(lines[0].approved).toEqual({ by: "maria", at });
  });

  it("prices the hours the session report says were used", () => {
    const [room] = bookingActuals({ ...session, minutesUsed: 6 * 60 }, rooms, team);
    expect(room.actualMinor).toBe(39000);
  });

  it("adds nothing for a hold or a cancelled booking", () => {
    expect(bookingActuals({ ...session, status: "hold" }, rooms, team)).toEqual([]);
    expect(bookingActuals({ ...session, status: "cancelled" }, rooms, team)).toEqual([]);
  });

  it("adds per-song and flat fees", () => {
    const lines = feeActuals(team.get("bass")!);
    expect(lines.map((l) => [l.category, l.actualMinor, l.description])).toEqual([
      ["session musicians", 75000, "Sam Bass, 3 songs at the per-song fee"],
      ["session musicians", 5000, "Sam Bass, flat fee"],
    ]);
    const all = derivedActuals([session], rooms, team);
    expect(budgetTotals(all).currencies[0].actualMinor).toBe(48750 + 40000 + 75000 + 5000);
  });
});

describe("CSV export", () => {
  it("reads back exactly with commas, quotes, line breaks and non-Latin names (RFC 4180)", () => {
    const lines = [
      line({
        description: 'Strings, "live", day 1\nsecond line',
        supplier: "Оркестр «Мелодия», 東京スタジオ",
        estimateMinor: 123456,
        actualMinor: 5,
      }),
      line({ category: "mixing and mastering", currency: "JPY", actualMinor: 98000 }),
    ];
    const csv = budgetCsv(lines, (id) => (id === "producer" ? "Zoë O'Brien, Jr." : id));
    expect(csv.endsWith("\r\n")).toBe(true);
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      description: 'Strings, "live", day 1\nsecond line',
      supplier: "Оркестр «Мелодия», 東京スタジオ",
      estimate: "1234.56",
      actual: "0.05",
      "approved by": "Zoë O'Brien, Jr.",
    });
    expect(records[1]).toMatchObject({ currency: "JPY", actual: "98000" });
  });
});
