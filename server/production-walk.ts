import { bookingInterval } from "../production/bookings/booking.ts";
import type { StudioUnderTest } from "./test-support.ts";

/**
 * The production office's routes for the permission walk (permissions.test.ts): each
 * request valid on its own for any caller, with what it acts on made fresh first.
 */

export interface WalkRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  payload?: object;
}

export interface WalkCase {
  name: string;
  route: string;
  request: (who: string) => Promise<WalkRequest>;
}

export interface ProductionWalk {
  /** Puts everyone of `people` on the project's team, so a task can be theirs. */
  prepare(people: readonly string[]): Promise<void>;
  cases: WalkCase[];
}

export function productionWalk(studio: () => StudioUnderTest): ProductionWalk {
  let made = 0;
  let contactId = "";
  const personOf = new Map<string, string>();
  const office = () => studio().store.production;
  const projectId = () => studio().projectId;
  const project = () => `/api/projects/${projectId()}`;
  const producer = () => studio().accountId("producer");
  const now = new Date();

  /** A session of its own hour far ahead, so no two of the walk's bookings meet. */
  function freshTimes(): { start: string; end: string; timeZone: string } {
    made++;
    const day = String(1 + (made % 28)).padStart(2, "0");
    const month = String(1 + (Math.floor(made / 28) % 12)).padStart(2, "0");
    const hour = String(made % 20).padStart(2, "0");
    return {
      start: `2031-${month}-${day}T${hour}:00`,
      end: `2031-${month}-${day}T${hour}:30`,
      timeZone: "Europe/London",
    };
  }

  async function someBooking(): Promise<string> {
    const times = freshTimes();
    const booking = await office().bookings.createBooking(
      projectId(),
      {
        roomId: null,
        personIds: [],
        timeZone: times.timeZone,
        status: "hold",
        purpose: "overdubs",
        title: "",
        ...bookingInterval(times),
      },
      producer(),
      now,
    );
    return booking.id;
  }

  async function someContact(): Promise<string> {
    made++;
    const member = await office().team.addTeamMember(
      projectId(),
      { name: `Player ${made}`, contact: {} },
      { roles: ["session-musician"], rates: [], songs: 1 },
      producer(),
    );
    return member.person.id;
  }

  async function someLine(approved: boolean): Promise<string> {
    made++;
    const line = await office().budget.addBudgetLine(
      projectId(),
      {
        category: "legal",
        description: `Contract ${made}`,
        currency: "EUR",
        estimateMinor: 1000,
        actualMinor: 0,
        recoupable: false,
      },
      producer(),
      now,
    );
    if (approved) {
      await office().budget.advanceLine(projectId(), line.id, "approved", producer(), now);
    }
    return line.id;
  }

  const cases: WalkCase[] = [
    {
      name: "see the team",
      route: "GET /api/projects/{projectId}/team",
      request: async () => ({ method: "GET", url: `${project()}/team` }),
    },
    {
      name: "add someone to the team",
      route: "POST /api/projects/{projectId}/team",
      request: async (who) => ({
        method: "POST",
        url: `${project()}/team`,
        payload: {
          name: `Hired by ${who} ${++made}`,
          roles: ["session-musician"],
          rates: [{ kind: "hourly", amountMinor: 3000, currency: "EUR" }],
        },
      }),
    },
    {
      name: "change a team member's terms",
      route: "PATCH /api/projects/{projectId}/team/{personId}",
      request: async () => ({
        method: "PATCH",
        url: `${project()}/team/${await someContact()}`,
        payload: { songs: 3 },
      }),
    },
    {
      name: "take someone off the team",
      route: "DELETE /api/projects/{projectId}/team/{personId}",
      request: async () => ({ method: "DELETE", url: `${project()}/team/${await someContact()}` }),
    },
    {
      name: "see who does what",
      route: "GET /api/projects/{projectId}/assignments",
      request: async () => ({ method: "GET", url: `${project()}/assignments` }),
    },
    {
      name: "assign a part",
      route: "PUT /api/projects/{projectId}/assignments",
      request: async (who) => ({
        method: "PUT",
        url: `${project()}/assignments`,
        payload: {
          personId: contactId,
          targetKind: "track",
          targetId: `bass-${who}`,
          part: "bass",
        },
      }),
    },
    {
      name: "clear an assignment",
      route: "DELETE /api/projects/{projectId}/assignments/{assignmentId}",
      request: async () => {
        made++;
        const assignment = await office().decisions.assign(projectId(), {
          personId: contactId,
          targetKind: "task",
          targetId: `t-${made}`,
          part: "helper",
        });
        return { method: "DELETE", url: `${project()}/assignments/${assignment.id}` };
      },
    },
    {
      name: "see the bookings",
      route: "GET /api/projects/{projectId}/bookings",
      request: async () => ({ method: "GET", url: `${project()}/bookings` }),
    },
    {
      name: "book a session",
      route: "POST /api/projects/{projectId}/bookings",
      request: async () => ({
        method: "POST",
        url: `${project()}/bookings`,
        payload: { ...freshTimes(), purpose: "tracking" },
      }),
    },
    {
      name: "change a booking",
      route: "PATCH /api/projects/{projectId}/bookings/{bookingId}",
      request: async () => ({
        method: "PATCH",
        url: `${project()}/bookings/${await someBooking()}`,
        payload: { status: "confirmed", title: "Strings" },
      }),
    },
    {
      name: "report on a session",
      route: "PUT /api/projects/{projectId}/bookings/{bookingId}/report",
      request: async () => ({
        method: "PUT",
        url: `${project()}/bookings/${await someBooking()}/report`,
        payload: { minutesUsed: 25, notes: "Two takes" },
      }),
    },
    {
      name: "read the budget",
      route: "GET /api/projects/{projectId}/budget",
      request: async () => ({ method: "GET", url: `${project()}/budget` }),
    },
    {
      name: "download the budget",
      route: "GET /api/projects/{projectId}/budget/csv",
      request: async () => ({ method: "GET", url: `${project()}/budget/csv` }),
    },
    {
      name: "add a budget line",
      route: "POST /api/projects/{projectId}/budget/lines",
      request: async () => ({
        method: "POST",
        url: `${project()}/budget/lines`,
        payload: {
          category: "marketing",
          description: "Posters",
          currency: "EUR",
          estimateMinor: 5000,
        },
      }),
    },
    {
      name: "change a budget line",
      route: "PATCH /api/projects/{projectId}/budget/lines/{lineId}",
      request: async () => ({
        method: "PATCH",
        url: `${project()}/budget/lines/${await someLine(false)}`,
        payload: { actualMinor: 900 },
      }),
    },
    {
      name: "remove a budget line",
      route: "DELETE /api/projects/{projectId}/budget/lines/{lineId}",
      request: async () => ({
        method: "DELETE",
        url: `${project()}/budget/lines/${await someLine(false)}`,
      }),
    },
    {
      name: "approve a cost",
      route: "POST /api/projects/{projectId}/budget/lines/{lineId}/approve",
      request: async () => ({
        method: "POST",
        url: `${project()}/budget/lines/${await someLine(false)}/approve`,
      }),
    },
    {
      name: "pay a cost",
      route: "POST /api/projects/{projectId}/budget/lines/{lineId}/pay",
      request: async () => ({
        method: "POST",
        url: `${project()}/budget/lines/${await someLine(true)}/pay`,
      }),
    },
    {
      name: "record an expense",
      route: "POST /api/projects/{projectId}/expenses",
      request: async () => ({
        method: "POST",
        url: `${project()}/expenses`,
        payload: {
          category: "equipment hire",
          description: "Cables",
          currency: "EUR",
          amountMinor: 1999,
        },
      }),
    },
    {
      name: "read the decision log",
      route: "GET /api/projects/{projectId}/decisions",
      request: async () => ({ method: "GET", url: `${project()}/decisions` }),
    },
    {
      name: "record a decision",
      route: "POST /api/projects/{projectId}/decisions",
      request: async () => ({
        method: "POST",
        url: `${project()}/decisions`,
        payload: {
          what: "Keep the second take",
          why: "It breathes",
          tasks: [{ title: "Comp it", assigneeId: contactId }],
        },
      }),
    },
    {
      name: "list the tasks",
      route: "GET /api/projects/{projectId}/tasks",
      request: async () => ({ method: "GET", url: `${project()}/tasks` }),
    },
    {
      name: "give a task",
      route: "POST /api/projects/{projectId}/tasks",
      request: async () => ({
        method: "POST",
        url: `${project()}/tasks`,
        payload: { title: "Tune the snare", assigneeId: contactId, dueDate: "2031-01-10" },
      }),
    },
    {
      name: "move one's own task along",
      route: "PATCH /api/projects/{projectId}/tasks/{taskId}",
      request: async (who) => {
        const task = await office().decisions.createTask(
          projectId(),
          { title: `For ${who}`, assigneeId: personOf.get(who) ?? contactId },
          producer(),
          now,
        );
        return {
          method: "PATCH",
          url: `${project()}/tasks/${task.id}`,
          payload: { status: "done" },
        };
      },
    },
    {
      name: "see my tasks and bookings",
      route: "GET /api/projects/{projectId}/agenda",
      request: async () => ({ method: "GET", url: `${project()}/agenda` }),
    },
  ];

  return {
    cases,
    async prepare(people) {
      contactId = await someContact();
      for (const who of people) {
        const member = await office().team.addTeamMember(
          projectId(),
          { name: who, contact: {}, accountId: studio().accountId(who) },
          { roles: ["assistant"], rates: [], songs: 1 },
          producer(),
        );
        personOf.set(who, member.person.id);
      }
    },
  };
}

/**
 * Well-formed requests to every production route, for the fuzz pass (fuzz.test.ts) to
 * mutate: ids of a room, a contact, a booking, a line and a task that exist.
 */
export async function productionFuzzRequests(
  studio: StudioUnderTest,
  producerName: string,
): Promise<(WalkRequest & { body?: unknown })[]> {
  const office = studio.store.production;
  const projectId = studio.projectId;
  const project = `/api/projects/${projectId}`;
  const producer = studio.accountId(producerName);
  const now = new Date();
  const hall = await office.studios.createStudio({
    name: "Fuzz Hall",
    address: "",
    timeZone: "Europe/Paris",
    notes: "",
  });
  const room = await office.studios.createRoom(hall.id, {
    name: "Big Room",
    rates: [{ kind: "daily", amountMinor: 90000, currency: "EUR" }],
    equipment: [],
    notes: "",
  });
  const player = await office.team.addTeamMember(
    projectId,
    { name: "Fuzzy Player", contact: {} },
    { roles: ["session-musician"], rates: [], songs: 1 },
    producer,
  );
  const personId = player.person.id;
  const booking = await office.bookings.createBooking(
    projectId,
    {
      roomId: room.id,
      personIds: [personId],
      timeZone: "Europe/Paris",
      status: "hold",
      purpose: "mixing",
      title: "",
      ...bookingInterval({
        start: "2032-01-05T10:00",
        end: "2032-01-05T12:00",
        timeZone: "Europe/Paris",
      }),
    },
    producer,
    now,
  );
  const line = await office.budget.addBudgetLine(
    projectId,
    {
      category: "legal",
      description: "Contract",
      currency: "EUR",
      estimateMinor: 1000,
      actualMinor: 0,
      recoupable: false,
    },
    producer,
    now,
  );
  const task = await office.decisions.createTask(
    projectId,
    { title: "Tune", assigneeId: personId },
    producer,
    now,
  );
  const assignment = await office.decisions.assign(projectId, {
    personId,
    targetKind: "track",
    targetId: "bass",
    part: "bass",
  });
  return [
    { method: "GET", url: "/api/studios" },
    { method: "POST", url: "/api/studios", body: { name: "Fuzz", timeZone: "Asia/Tokyo" } },
    {
      method: "POST",
      url: `/api/studios/${hall.id}/rooms`,
      body: { name: "B", rates: [{ kind: "hourly", amountMinor: 100, currency: "EUR" }] },
    },
    { method: "GET", url: "/api/people" },
    { method: "GET", url: "/api/agenda" },
    { method: "GET", url: `/api/calendars/rooms/${room.id}?token=${"a".repeat(64)}` },
    { method: "GET", url: `/api/calendars/people/${personId}?token=${"b".repeat(64)}` },
    { method: "GET", url: `${project}/team` },
    {
      method: "POST",
      url: `${project}/team`,
      body: {
        name: "New Player",
        contact: { email: "new@example.test", phone: "+44 20 7946 0000" },
        roles: ["vocalist"],
        rates: [{ kind: "per-song", amountMinor: 20000, currency: "GBP" }],
        songs: 2,
      },
    },
    {
      method: "PATCH",
      url: `${project}/team/${personId}`,
      body: { songs: 4, roles: ["assistant"] },
    },
    { method: "DELETE", url: `${project}/team/00000000-0000-4000-8000-000000000000` },
    { method: "GET", url: `${project}/assignments` },
    {
      method: "PUT",
      url: `${project}/assignments`,
      body: { personId, targetKind: "booking", targetId: booking.id, part: "keys" },
    },
    { method: "DELETE", url: `${project}/assignments/${assignment.id}` },
    { method: "GET", url: `${project}/bookings` },
    {
      method: "POST",
      url: `${project}/bookings`,
      body: {
        roomId: room.id,
        personIds: [personId],
        start: "2032-02-01T10:00",
        end: "2032-02-01T18:00",
        timeZone: "Europe/Paris",
        status: "confirmed",
        purpose: "tracking",
        title: "Drums",
      },
    },
    {
      method: "PATCH",
      url: `${project}/bookings/${booking.id}`,
      body: { status: "confirmed", start: "2032-01-05T09:00", timeZone: "Europe/Paris" },
    },
    {
      method: "PUT",
      url: `${project}/bookings/${booking.id}/report`,
      body: { minutesUsed: 100, takes: ["audio/take.wav"], notes: "ok" },
    },
    { method: "GET", url: `${project}/budget` },
    { method: "GET", url: `${project}/budget/csv` },
    {
      method: "POST",
      url: `${project}/budget/lines`,
      body: {
        category: "marketing",
        description: "Ads",
        currency: "USD",
        estimateMinor: 10000,
        conversion: { rate: "0.92", currency: "EUR" },
      },
    },
    { method: "PATCH", url: `${project}/budget/lines/${line.id}`, body: { actualMinor: 500 } },
    { method: "POST", url: `${project}/budget/lines/${line.id}/approve` },
    { method: "POST", url: `${project}/budget/lines/${line.id}/pay` },
    { method: "DELETE", url: `${project}/budget/lines/00000000-0000-4000-8000-000000000000` },
    {
      method: "POST",
      url: `${project}/expenses`,
      body: {
        category: "equipment hire",
        description: "Cables",
        currency: "EUR",
        amountMinor: 1999,
      },
    },
    { method: "GET", url: `${project}/decisions` },
    {
      method: "POST",
      url: `${project}/decisions`,
      body: {
        what: "Cut the second verse",
        why: "Too long",
        links: [{ kind: "section", id: "verse-2" }],
        tasks: [{ title: "Edit", assigneeId: personId, dueDate: "2032-01-01" }],
      },
    },
    { method: "GET", url: `${project}/tasks` },
    { method: "POST", url: `${project}/tasks`, body: { title: "Strings", assigneeId: personId } },
    { method: "PATCH", url: `${project}/tasks/${task.id}`, body: { status: "in-progress" } },
    { method: "GET", url: `${project}/agenda` },
  ];
}
