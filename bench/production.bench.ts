/**
 * The production office at studio scale: 200 projects, 50 rooms, 500 people and 20 000
 * bookings. Times the check of a new booking for double bookings (a booking that clashes,
 * refused inside its transaction with the room's and people's rows locked, and one that
 * does not, rolled back) and a project's budget totals (its lines, actuals derived from its
 * confirmed bookings and fees, roll-ups), on PGlite and on PostgreSQL. The peer is the pure
 * conflict scan over all 20 000 bookings held in memory, run in the same process.
 * Target: p99 under 20 ms for both checks, on both databases.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { table } from "../cli/format-table.ts";
import { emptyProject } from "../music/project.ts";
import { type Booking, bookingInterval } from "../production/bookings/booking.ts";
import { findConflicts } from "../production/bookings/conflicts.ts";
import { budgetTotals } from "../production/budget/totals.ts";
import { openStore } from "../store/node/open-store.ts";
import {
  bookingPeople,
  bookings,
  budgetLines,
  people,
  teamMembers,
} from "../store/production/schema.ts";
import type { Store } from "../store/store.ts";
import { benchPostgres } from "./bench-postgres.ts";
import { percentile } from "./http-load.ts";
import { machineLine } from "./timed-process.ts";

const PROJECTS = 200;
const ROOMS = 50;
const PEOPLE = 500;
const BOOKINGS = 20_000;
const SAMPLES = 300;
const TARGET_MS = 20;

/** A seeded random source, so every run books the same diary. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Seeded {
  projectIds: string[];
  roomIds: string[];
  personIds: string[];
  /** Every booking, as the pure scan sees them. */
  diary: Booking[];
}

const DAY = 86_400_000;
const START = Date.UTC(2030, 0, 7, 9);

/** Room r's k-th session: day k, 09:00–13:00 or 14:00–18:00 UTC, so rooms never clash. */
function slot(k: number): { startsAt: Date; endsAt: Date } {
  const day = Math.floor(k / 2);
  const afternoon = k % 2 === 1 ? 5 * 3_600_000 : 0;
  const startsAt = new Date(START + day * DAY + afternoon);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 4 * 3_600_000) };
}

async function seed(store: Store): Promise<Seeded> {
  const next = random(20300107);
  const owner = await store.createAccount({
    email: "producer@bench.test",
    displayName: "Producer",
    passwordHash: "not-a-real-hash",
  });
  const projectIds: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const project = await store.createProject({
      title: `Record ${i + 1}`,
      owner: owner.id,
      document: emptyProject({ title: `Record ${i + 1}` }),
    });
    projectIds.push(project.id);
  }
  const roomIds: string[] = [];
  for (let s = 0; s < ROOMS / 5; s++) {
    const studio = await store.production.studios.createStudio({
      name: `Studio ${s + 1}`,
      address: "",
      timeZone: "Europe/London",
      notes: "",
    });
    for (let r = 0; r < 5; r++) {
      const room = await store.production.studios.createRoom(studio.id, {
        name: `Room ${r + 1}`,
        rates: [{ kind: "hourly", amountMinor: 5000 + 500 * r, currency: "GBP" }],
        equipment: [],
        notes: "",
      });
      roomIds.push(room.id);
    }
  }
  const personRows = await store.db
    .insert(people)
    .values(Array.from({ length: PEOPLE }, (_, i) => ({ name: `Player ${i + 1}` })))
    .returning({ id: people.id });
  const personIds = personRows.map((row) => row.id);
  // Each project's team: 10 people with rates; each person on 4 projects.
  const team = projectIds.flatMap((projectId, p) =>
    Array.from({ length: 10 }, (_, j) => ({
      projectId,
      personId: personIds[(p * 10 + j) % PEOPLE],
      roles: [j === 0 ? "engineer" : "session-musician"] as ("engineer" | "session-musician")[],
      rates: [
        j === 0
          ? { kind: "daily" as const, amountMinor: 40000, currency: "GBP" }
          : { kind: "hourly" as const, amountMinor: 3000 + 100 * j, currency: "GBP" },
      ],
      agreedBy: owner.id,
    })),
  );
  await store.db.insert(teamMembers).values(team);
  const lines = projectIds.flatMap((projectId) =>
    Array.from({ length: 20 }, (_, j) => ({
      projectId,
      kind: "planned" as const,
      category: ["studio time", "engineer", "session musicians", "marketing", "contingency"][j % 5],
      description: `Line ${j + 1}`,
      currency: j % 7 === 0 ? "EUR" : "GBP",
      estimateMinor: 100000 + j * 1000,
      actualMinor: j % 3 === 0 ? 50000 : 0,
      status: "approved" as const,
      proposedBy: owner.id,
      approvedBy: owner.id,
      approvedAt: new Date(),
    })),
  );
  for (let i = 0; i < lines.length; i += 1000) {
    await store.db.insert(budgetLines).values(lines.slice(i, i + 1000));
  }
  const diary: Booking[] = [];
  const perRoom = BOOKINGS / ROOMS;
  const rows: (typeof bookings.$inferInsert & { id: string })[] = [];
  const links: (typeof bookingPeople.$inferInsert)[] = [];
  for (let r = 0; r < ROOMS; r++) {
    for (let k = 0; k < perRoom; k++) {
      const p = Math.floor(next() * PROJECTS);
      // The project's engineer and one of its players, as its team has them.
      const crew = [personIds[(p * 10) % PEOPLE], personIds[(p * 10 + 1 + (r % 9)) % PEOPLE]];
      const { startsAt, endsAt } = slot(k);
      const id = crypto.randomUUID();
      const status = next() < 0.7 ? ("confirmed" as const) : ("hold" as const);
      rows.push({
        id,
        projectId: projectIds[p],
        roomId: roomIds[r],
        startsAt,
        endsAt,
        timeZone: "Europe/London",
        status,
        purpose: "tracking",
        createdBy: owner.id,
        confirmedBy: status === "confirmed" ? owner.id : null,
        confirmedAt: status === "confirmed" ? new Date() : null,
      });
      // Seeded diaries may put a person in two rooms at once; the check only reads them.
      for (const personId of crew)
        links.push({ bookingId: id, personId, startsAt, endsAt, live: true });
      diary.push({
        id,
        projectId: projectIds[p],
        roomId: roomIds[r],
        personIds: crew,
        timeZone: "Europe/London",
        status,
        purpose: "tracking",
        title: "",
        startsAt,
        endsAt,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await store.db.insert(bookings).values(rows.slice(i, i + 1000));
  }
  for (let i = 0; i < links.length; i += 2000) {
    await store.db.insert(bookingPeople).values(links.slice(i, i + 2000));
  }
  await store.db.execute("ANALYZE");
  return { projectIds, roomIds, personIds, diary };
}

async function time(work: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await work(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return samples;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function benchDatabase(name: string, databaseUrl: string | undefined): Promise<string[][]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "controlroom-production-bench-"));
  const store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    const seedStart = performance.now();
    const { projectIds, roomIds, personIds, diary } = await seed(store);
    console.log(
      `${name}: seeded ${PROJECTS} projects, ${ROOMS} rooms, ${PEOPLE} people, ${await store.production.bookings.countBookings()} bookings in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const next = random(7);
    const owner = (await store.findAccountByEmail("producer@bench.test"))!.id;
    const at = new Date();
    let refused = 0;
    // A clash: a room's existing session, an hour later, with someone of its crew.
    const clash = await time(async () => {
      const booking = diary[Math.floor(next() * diary.length)];
      const p = projectIds.indexOf(booking.projectId);
      const startsAt = new Date(booking.startsAt.getTime() + 3_600_000);
      await store.production.bookings
        .createBooking(
          projectIds[p],
          {
            roomId: booking.roomId,
            personIds: [booking.personIds[0]],
            startsAt,
            endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
            timeZone: "Europe/London",
            status: "hold",
            purpose: "overdubs",
            title: "",
          },
          owner,
          at,
        )
        .catch((error: { code?: string }) => {
          if (error.code !== "E_BOOKING_CONFLICT") throw error;
          refused++;
        });
    });
    if (refused !== clash.length + 20) throw new Error(`only ${refused} clashes were refused`);
    // A free slot: the check runs and finds nothing; the booking is then removed again.
    const free = await time(async () => {
      const r = Math.floor(next() * ROOMS);
      const startsAt = new Date(START + 1000 * DAY + Math.floor(next() * 1000) * DAY);
      const fields = {
        roomId: roomIds[r],
        personIds: [personIds[Math.floor(next() * PEOPLE)]],
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
      };
      const found = await store.production.bookings.overlappingBookings(fields, null);
      if (found.length > 0) throw new Error("the free slot was taken");
    });
    const totals = await time(async () => {
      const projectId = projectIds[Math.floor(next() * PROJECTS)];
      const lines = await store.production.budget.budgetLinesOf(projectId);
      budgetTotals(lines);
    });
    const candidate = bookingInterval({
      start: "2030-03-02T10:00",
      end: "2030-03-02T12:00",
      timeZone: "Europe/London",
    });
    const scan = await time(async () => {
      const booking = diary[Math.floor(next() * diary.length)];
      findConflicts(
        { ...candidate, roomId: booking.roomId, personIds: booking.personIds, status: "hold" },
        diary,
        { room: String, person: String, where: () => "", project: () => "" },
      );
    });
    const row = (what: string, samples: number[], target: boolean) => [
      name,
      what,
      ms(percentile(samples, 50)),
      ms(percentile(samples, 99)),
      target ? (percentile(samples, 99) < TARGET_MS ? "yes" : "NO") : "",
      target ? `${(percentile(scan, 50) / percentile(samples, 50)).toFixed(1)}×` : "",
    ];
    return [
      row("double booking refused (whole transaction)", clash, true),
      row("free slot checked (overlap queries)", free, true),
      row("a project's budget totals", totals, true),
      row("peer: pure scan of all 20 000 in memory", scan, false),
    ];
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

console.log("production office: conflicts and budget totals at studio scale");
console.log(machineLine());
const postgres = await benchPostgres();
const results: string[][] = [];
try {
  results.push(...(await benchDatabase("PGlite", undefined)));
  if (typeof postgres === "string") console.log(`the PostgreSQL half is skipped: ${postgres}`);
  else results.push(...(await benchDatabase("PostgreSQL", postgres.url)));
} finally {
  if (typeof postgres !== "string") await postgres.remove();
}
console.log(
  table(["database", "what", "p50", "p99", `p99 < ${TARGET_MS} ms`, "vs pure scan (p50)"], results),
);
