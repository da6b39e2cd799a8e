import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * The production office over HTTP: a producer builds the team, books the room and people,
 * watches the actuals move, approves an expense and records a decision; the engineer and
 * the musician see their own bookings and tasks and nobody's rates.
 */
let studio: StudioUnderTest;
let producer: Session;
let engineer: Session;
let musician: Session;
let roomId: string;
let engineerId: string;
let bassId: string;
let musicianId: string;

// biome-ignore lint/suspicious/noExplicitAny: the answers are read as the JSON they are
type Json = any;

interface Session {
  cookie: string;
  csrf: string;
}

async function call(
  who: Session,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  payload?: object,
) {
  const response = await studio.app.inject({
    method,
    url,
    headers: { cookie: who.cookie, "x-csrf-token": who.csrf },
    ...(payload ? { payload } : {}),
  });
  return {
    status: response.statusCode,
    body: response.json() as Json,
    raw: response,
  };
}

const project = () => `/api/projects/${studio.projectId}`;

beforeAll(async () => {
  studio = await studioUnderTest({ maria: "producer", jo: "engineer", sam: "musician" });
  producer = await studio.signIn("maria");
  engineer = await studio.signIn("jo");
  musician = await studio.signIn("sam");
  const made = await call(producer, "POST", "/api/studios", {
    name: "Hill St Studios",
    timeZone: "Europe/London",
  });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const room = await call(producer, "POST", `/api/studios/${made.body.studio.id}/rooms`, {
    name: "Room A",
    rates: [{ kind: "hourly", amountMinor: 6500, currency: "GBP" }],
    equipment: ["Neve 8078", "U 47"],
  });
  roomId = room.body.room.id;
  const jo = await call(producer, "POST", `${project()}/team`, {
    name: "Jo",
    accountId: studio.accountId("jo"),
    roles: ["engineer"],
    rates: [{ kind: "daily", amountMinor: 40000, currency: "GBP" }],
  });
  expect(jo.status, JSON.stringify(jo.body)).toBe(200);
  engineerId = jo.body.member.personId;
  const bass = await call(producer, "POST", `${project()}/team`, {
    name: "Søren «Bass» Ōtani, Jr.",
    contact: { email: "soren@example.test" },
    roles: ["session-musician"],
    rates: [{ kind: "per-song", amountMinor: 25000, currency: "GBP" }],
    songs: 2,
  });
  bassId = bass.body.member.personId;
  const sam = await call(producer, "POST", `${project()}/team`, {
    name: "Sam",
    accountId: studio.accountId("sam"),
    roles: ["vocalist"],
    rates: [{ kind: "hourly", amountMinor: 5000, currency: "GBP" }],
  });
  musicianId = sam.body.member.personId;
}, 60_000);
afterAll(() => studio?.close());

describe("a producer's morning, over the API", () => {
  let bookingId: string;

  it("books the room with the engineer and the bass player, and refuses a double booking with its reason", async () => {
    const booked = await call(producer, "POST", `${project()}/bookings`, {
      roomId,
      personIds: [engineerId, bassId],
      start: "2030-05-06T10:00",
      end: "2030-05-06T18:00",
      timeZone: "Europe/London",
      purpose: "tracking",
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body.booking).toMatchObject({
      status: "hold",
      start: "2030-05-06T10:00",
      startsAt: "2030-05-06T09:00:00.000Z",
    });
    bookingId = booked.body.booking.id;
    const twice = await call(producer, "POST", `${project()}/bookings`, {
      roomId: null,
      personIds: [engineerId],
      start: "2030-05-06T18:30",
      end: "2030-05-06T20:00",
      timeZone: "Europe/Berlin",
      purpose: "overdubs",
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: "E_BOOKING_CONFLICT", subject: "personIds" });
    expect(twice.body.error.message).toContain(
      "Jo is already on hold 2030-05-06 10:00–18:00 Europe/London in Room A at Hill St Studios",
    );
    // 18:00 in London is 19:00 in Berlin: touching, not overlapping.
    const after = await call(producer, "POST", `${project()}/bookings`, {
      roomId,
      start: "2030-05-06T19:00",
      end: "2030-05-06T21:00",
      timeZone: "Europe/Berlin",
      purpose: "overdubs",
      personIds: [musicianId],
    });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
  });

  it("moves the actuals when the booking is confirmed", async () => {
    const before = await call(producer, "GET", `${project()}/budget`);
    const gbp = () => before.body.totals.currencies.find((c: Json) => c.currency === "GBP");
    // The bass player's two songs at 250.00 are there from the start.
    expect(gbp().actualMinor).toBe(50000);
    const confirmed = await call(producer, "PATCH", `${project()}/bookings/${bookingId}`, {
      status: "confirmed",
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.booking.confirmedBy).toBe(studio.accountId("maria"));
    const after = await call(producer, "GET", `${project()}/budget`);
    const total = after.body.totals.currencies.find((c: Json) => c.currency === "GBP");
    // 8 h of Room A at 65.00 and the engineer's day at 400.00.
    expect(total.actualMinor).toBe(50000 + 52000 + 40000);
    expect(
      after.body.lines.filter((l: Json) => l.bookingId === bookingId).map((l: Json) => l.category),
    ).toEqual(["studio time", "engineer"]);
  });

  it("approves an expense with its receipt and pays it", async () => {
    const receipt = Buffer.from("%PDF-1.4 receipt for the mic hire");
    const upload = await studio.app.inject({
      method: "PUT",
      url: `${project()}/files/receipts/mic-hire.pdf`,
      headers: {
        cookie: producer.cookie,
        "x-csrf-token": producer.csrf,
        "content-type": "application/pdf",
        "x-content-sha256": createHash("sha256").update(receipt).digest("hex"),
      },
      payload: receipt,
    });
    expect(upload.statusCode, upload.body).toBeLessThan(300);
    const expense = await call(producer, "POST", `${project()}/expenses`, {
      category: "equipment hire",
      description: "U 47 hire, two days",
      supplier: "Mic Library Ltd",
      currency: "GBP",
      amountMinor: 24000,
      recoupable: true,
      receipt: "receipts/mic-hire.pdf",
    });
    expect(expense.status, JSON.stringify(expense.body)).toBe(200);
    const id = expense.body.line.id;
    expect((await call(producer, "POST", `${project()}/budget/lines/${id}/pay`)).status).toBe(409);
    const approved = await call(producer, "POST", `${project()}/budget/lines/${id}/approve`);
    expect(approved.body.line).toMatchObject({
      status: "approved",
      approved: { by: studio.accountId("maria") },
    });
    const paid = await call(producer, "POST", `${project()}/budget/lines/${id}/pay`);
    expect(paid.body.line.status).toBe("paid");
    const missing = await call(producer, "POST", `${project()}/expenses`, {
      category: "legal",
      description: "Contract review",
      currency: "GBP",
      amountMinor: 1000,
      receipt: "receipts/none.pdf",
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.subject).toBe("receipt");
  });

  it("records a decision that creates a task for the engineer, who finds it with the booking", async () => {
    const decided = await call(producer, "POST", `${project()}/decisions`, {
      what: "Re-record the chorus vocal",
      why: "The pitch drifts in the last chorus",
      links: [{ kind: "booking", id: bookingId }],
      tasks: [
        { title: "Set up the vocal chain again", assigneeId: engineerId, dueDate: "2030-05-05" },
      ],
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const agenda = await call(engineer, "GET", `${project()}/agenda`);
    expect(agenda.status).toBe(200);
    expect(agenda.body.tasks.map((t: Json) => t.title)).toEqual(["Set up the vocal chain again"]);
    expect(agenda.body.bookings.map((b: Json) => b.id)).toEqual([bookingId]);
    const everywhere = await call(engineer, "GET", "/api/agenda");
    expect(everywhere.body.tasks).toHaveLength(1);
    const done = await call(engineer, "PATCH", `${project()}/tasks/${agenda.body.tasks[0].id}`, {
      status: "done",
    });
    expect(done.body.task.status).toBe("done");
    const notMine = await call(musician, "PATCH", `${project()}/tasks/${agenda.body.tasks[0].id}`, {
      status: "open",
    });
    expect(notMine.status).toBe(403);
  });
});

describe("who sees money", () => {
  it("answers an engineer 403 on the budget, its CSV and its changes", async () => {
    expect((await call(engineer, "GET", `${project()}/budget`)).status).toBe(403);
    expect((await call(engineer, "GET", `${project()}/budget/csv`)).status).toBe(403);
    const add = await call(engineer, "POST", `${project()}/budget/lines`, {
      category: "engineer",
      description: "More",
      currency: "GBP",
    });
    expect(add.status).toBe(403);
  });

  it("shows a musician their own bookings and tasks and nobody's rates", async () => {
    await call(producer, "POST", `${project()}/tasks`, {
      title: "Learn the new bridge",
      assigneeId: musicianId,
    });
    const agenda = await call(musician, "GET", `${project()}/agenda`);
    expect(agenda.body.personId).toBe(musicianId);
    expect(agenda.body.bookings.map((b: Json) => b.personIds)).toEqual([[musicianId]]);
    expect(agenda.body.tasks.map((t: Json) => t.title)).toEqual(["Learn the new bridge"]);
    const team = await call(musician, "GET", `${project()}/team`);
    expect(team.status).toBe(200);
    expect(team.body.team).toHaveLength(3);
    for (const member of team.body.team) {
      expect(member).not.toHaveProperty("rates");
      expect(member).not.toHaveProperty("calendarUrl");
    }
    const studios = await call(musician, "GET", "/api/studios");
    expect(studios.body.studios[0].rooms[0]).not.toHaveProperty("rates");
    expect(JSON.stringify([agenda.body, team.body, studios.body])).not.toMatch(/amountMinor/);
    const producerView = await call(producer, "GET", `${project()}/team`);
    expect(producerView.body.team.find((m: Json) => m.personId === bassId).rates).toEqual([
      { kind: "per-song", amountMinor: 25000, currency: "GBP" },
    ]);
  });
});

describe("interoperability", () => {
  it("serves a room's .ics feed that ical.js reads with times and zones intact", async () => {
    const studios = await call(producer, "GET", "/api/studios");
    const url = new URL(studios.body.studios[0].rooms[0].calendarUrl);
    const response = await studio.app.inject({ method: "GET", url: url.pathname + url.search });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/calendar");
    const calendar = new ICAL.Component(ICAL.parse(response.body));
    for (const zone of calendar.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(zone);
    }
    const events = calendar
      .getAllSubcomponents("vevent")
      .map((e: Json) => new ICAL.Event(e))
      .sort((a, b) => a.startDate.compare(b.startDate));
    expect(events).toHaveLength(2);
    const [london, berlin] = events;
    expect(london.startDate.zone?.tzid).toBe("Europe/London");
    expect(london.startDate.toString()).toBe("2030-05-06T10:00:00");
    expect(london.startDate.toJSDate().toISOString()).toBe("2030-05-06T09:00:00.000Z");
    expect(london.endDate.toJSDate().toISOString()).toBe("2030-05-06T17:00:00.000Z");
    expect(london.location).toBe("Room A, Hill St Studios");
    expect(berlin.startDate.zone?.tzid).toBe("Europe/Berlin");
    expect(berlin.startDate.toString()).toBe("2030-05-06T19:00:00");
    expect(berlin.startDate.toJSDate().toISOString()).toBe("2030-05-06T17:00:00.000Z");
  });

  it("refuses a feed with a wrong token as if there were none", async () => {
    const response = await studio.app.inject(
      `/api/calendars/rooms/${roomId}?token=${"0".repeat(64)}`,
    );
    expect(response.statusCode).toBe(404);
  });

  it("exports the budget as CSV that csv-parse reads back exactly", async () => {
    await call(producer, "POST", `${project()}/budget/lines`, {
      category: "session musicians",
      description: 'Strings, "live" — 東京 session',
      supplier: "Оркестр «Мелодия», Ltd",
      currency: "JPY",
      estimateMinor: 1500000,
      recoupable: true,
    });
    const response = await studio.app.inject({
      method: "GET",
      url: `${project()}/budget/csv`,
      headers: { cookie: producer.cookie },
    });
    expect(response.statusCode).toBe(200);
    const records = parse(response.body, { columns: true }) as Record<string, string>[];
    const strings = records.find((r: Json) => r.currency === "JPY")!;
    expect(strings).toMatchObject({
      description: 'Strings, "live" — 東京 session',
      supplier: "Оркестр «Мелодия», Ltd",
      estimate: "1500000",
      recoupable: "yes",
    });
    const fee = records.find((r: Json) => r.supplier === "Søren «Bass» Ōtani, Jr.")!;
    expect(fee).toMatchObject({ actual: "500.00", kind: "fee" });
    const paid = records.find((r: Json) => r.status === "paid")!;
    expect(paid).toMatchObject({ "approved by": "maria", "paid by": "maria", actual: "240.00" });
  });
});

describe("bad input is refused with a message that names the field", () => {
  const cases: [string, string, string, object, RegExp][] = [
    [
      "a negative amount",
      "POST",
      "/budget/lines",
      { category: "legal", description: "x", currency: "EUR", estimateMinor: -100 },
      /estimateMinor/,
    ],
    [
      "an absurd amount",
      "POST",
      "/expenses",
      { category: "legal", description: "x", currency: "EUR", amountMinor: 1e15 },
      /amountMinor/,
    ],
    [
      "an unknown currency",
      "POST",
      "/budget/lines",
      { category: "legal", description: "x", currency: "XYZ" },
      /currency/,
    ],
    [
      "a rate without a currency",
      "POST",
      "/team",
      { name: "Nobody", roles: ["assistant"], rates: [{ kind: "hourly", amountMinor: 2000 }] },
      /rates.*0.*currency/,
    ],
    [
      "a booking that ends before it starts",
      "POST",
      "/bookings",
      {
        start: "2030-06-03T12:00",
        end: "2030-06-03T10:00",
        timeZone: "Europe/London",
        purpose: "mixing",
      },
      /end/,
    ],
  ];
  it.each(cases)("%s", async (_name, method, path, payload, field) => {
    const answer = await call(producer, method as "POST", `${project()}${path}`, payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(`${answer.body.error.subject ?? ""} ${answer.body.error.message}`).toMatch(field);
  });
});
