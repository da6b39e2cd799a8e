import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { can } from "../../../accounts/roles.ts";
import { ControlRoomError } from "../../../music/errors.ts";
import {
  contactSchema,
  personSchema,
  ratesSchema,
  teamMemberSchema,
} from "../../../production/team/people.ts";
import { plainText } from "../../../production/text.ts";
import type { StoredTeamMember } from "../../../store/production/team.ts";
import { auditOf } from "../../audit.ts";
import type { AuthContext } from "../../auth.ts";
import { caller, callerRole } from "../../route-access.ts";
import {
  announce,
  calendarUrl,
  Ok,
  ProjectParams,
  RateOut,
  seesMoney,
  TeamRoleOut,
} from "./common.ts";

const PersonParams = z.strictObject({ projectId: z.string(), personId: z.string() });

const TeamMemberOut = z
  .object({
    personId: z.string(),
    name: z.string(),
    contact: contactSchema,
    accountId: z.string().nullable(),
    roles: z.array(TeamRoleOut),
    rates: z.array(RateOut).optional().describe("Only for those who see money (the producer)."),
    songs: z.number().int().optional(),
    calendarUrl: z
      .string()
      .optional()
      .describe("Their bookings as an iCalendar feed; for those who build the team."),
  })
  .meta({ id: "TeamMember" });

const AssignmentOut = z
  .object({
    id: z.string(),
    personId: z.string(),
    targetKind: z.enum(["track", "booking", "task"]),
    targetId: z.string(),
    part: z.string(),
  })
  .meta({ id: "Assignment" });

/**
 * The team: who is on the record, what they do, and (for the producer) what they cost; and
 * who does what on a track, a session or a task.
 */
export function teamRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const office = context.store.production;

  async function out(
    request: Parameters<typeof caller>[0],
    member: StoredTeamMember,
  ): Promise<z.infer<typeof TeamMemberOut>> {
    const role = callerRole(request);
    return {
      personId: member.person.id,
      name: member.person.name,
      contact: member.person.contact,
      accountId: member.person.accountId,
      roles: member.roles,
      ...(seesMoney(role) ? { rates: member.rates, songs: member.songs } : {}),
      ...(can(role, "team.edit")
        ? { calendarUrl: await calendarUrl(request, context, "person", member.person.id) }
        : {}),
    };
  }

  route.get(
    "/api/projects/:projectId/team",
    {
      config: { access: { project: "members.read" } },
      schema: {
        summary: "List the team",
        description:
          "Everyone on the record: name, contact, roles. Rates and fees only for those who see money (the producer); nobody else sees anyone's rates.",
        params: ProjectParams,
        response: { 200: z.object({ team: z.array(TeamMemberOut) }) },
      },
    },
    async (request) => {
      const team = await office.team.listTeam(request.params.projectId);
      return { team: await Promise.all(team.map((member) => out(request, member))) };
    },
  );

  route.post(
    "/api/projects/:projectId/team",
    {
      config: { access: { project: "team.edit" } },
      schema: {
        summary: "Add someone to the team",
        description:
          "Adds a person the studio knows (`personId`), or a new one: a member with an account (`accountId`) or a contact without one (a hired player). Roles, rates (each with its currency) and, for a per-song fee, the number of songs. 409 when they are already on the team.",
        params: ProjectParams,
        body: teamMemberSchema.extend({
          personId: z.uuid().optional().describe("Someone the studio already knows."),
          name: personSchema.shape.name.optional().describe("A new person's name."),
          contact: contactSchema.optional(),
          accountId: z.uuid().optional().describe("A new person's account, for a member."),
        }),
        response: { 200: z.object({ ok: z.literal(true), member: TeamMemberOut }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const { roles, rates, songs, personId, name, contact, accountId } = request.body;
      if ((personId === undefined) === (name === undefined)) {
        throw new ControlRoomError(
          "E_TEAM_PERSON",
          "name a new person (name) or someone the studio knows (personId), one of the two",
          personId === undefined ? "name" : "personId",
        );
      }
      const member = await office.team.addTeamMember(
        projectId,
        personId !== undefined
          ? { personId }
          : { name: name ?? "", contact: contact ?? {}, ...(accountId ? { accountId } : {}) },
        { roles, rates, songs },
        signedIn.account.id,
        (added) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "team.added",
            subject: `person:${added.person.id}`,
            detail: { name: added.person.name, roles, rates, songs },
          }),
      );
      announce(context, projectId, "team", member.person.id, "created");
      return { ok: true as const, member: await out(request, member) };
    },
  );

  route.patch(
    "/api/projects/:projectId/team/:personId",
    {
      config: { access: { project: "team.edit" } },
      schema: {
        summary: "Change a team member's terms",
        description:
          "Their roles on this record, their rates and fees, the songs a per-song fee pays for.",
        params: PersonParams,
        body: z.strictObject({
          roles: teamMemberSchema.shape.roles.optional(),
          rates: ratesSchema.optional(),
          songs: z.number().int().min(0).max(500).optional(),
        }),
        response: { 200: z.object({ ok: z.literal(true), member: TeamMemberOut }) },
      },
    },
    async (request) => {
      const { projectId, personId } = request.params;
      const signedIn = caller(request);
      const member = await office.team.changeTeamMember(
        projectId,
        personId,
        request.body,
        signedIn.account.id,
        () =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "team.changed",
            subject: `person:${personId}`,
            detail: request.body,
          }),
      );
      announce(context, projectId, "team", personId, "changed");
      return { ok: true as const, member: await out(request, member) };
    },
  );

  route.delete(
    "/api/projects/:projectId/team/:personId",
    {
      config: { access: { project: "team.edit" } },
      schema: {
        summary: "Take someone off the team",
        description: "They stay known to the studio, and their past bookings stay.",
        params: PersonParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { projectId, personId } = request.params;
      const signedIn = caller(request);
      await office.team.removeTeamMember(
        projectId,
        personId,
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "team.removed",
          subject: `person:${personId}`,
          detail: {},
        }),
      );
      announce(context, projectId, "team", personId, "removed");
      return { ok: true as const };
    },
  );

  route.get(
    "/api/projects/:projectId/assignments",
    {
      config: { access: { project: "project.read" } },
      schema: {
        summary: "Who does what",
        description: "Who plays or does each part on a track, a session (booking) or a task.",
        params: ProjectParams,
        response: { 200: z.object({ assignments: z.array(AssignmentOut) }) },
      },
    },
    async (request) => ({
      assignments: await office.decisions.listAssignments(request.params.projectId),
    }),
  );

  route.put(
    "/api/projects/:projectId/assignments",
    {
      config: { access: { project: "team.edit" } },
      schema: {
        summary: "Assign someone a part",
        description:
          '"Who plays bass on this track?" has one answer: assigning a part that already has someone replaces them. The person must be on the team.',
        params: ProjectParams,
        body: z.strictObject({
          personId: z.uuid(),
          targetKind: z.enum(["track", "booking", "task"]),
          targetId: plainText(200).pipe(z.string().min(1, "name the track, booking or task")),
          part: plainText(100).pipe(
            z.string().min(1, "name the part: bass, lead vocal, engineer…"),
          ),
        }),
        response: { 200: z.object({ ok: z.literal(true), assignment: AssignmentOut }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const assignment = await office.decisions.assign(projectId, request.body, (stored) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "assignment.set",
          subject: `assignment:${stored.id}`,
          detail: request.body,
        }),
      );
      announce(context, projectId, "assignment", assignment.id, "changed");
      return { ok: true as const, assignment };
    },
  );

  route.delete(
    "/api/projects/:projectId/assignments/:assignmentId",
    {
      config: { access: { project: "team.edit" } },
      schema: {
        summary: "Clear an assignment",
        description: "Nobody is down for that part any more.",
        params: z.strictObject({ projectId: z.string(), assignmentId: z.string() }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { projectId, assignmentId } = request.params;
      const signedIn = caller(request);
      await office.decisions.unassign(
        projectId,
        assignmentId,
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "assignment.cleared",
          subject: `assignment:${assignmentId}`,
          detail: {},
        }),
      );
      announce(context, projectId, "assignment", assignmentId, "removed");
      return { ok: true as const };
    },
  );

  route.get(
    "/api/people",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "The people the studio knows",
        description:
          "Everyone on any team, by name, so a producer books the same person rather than a copy. No contact details and no rates.",
        response: {
          200: z.object({
            people: z.array(
              z.object({ id: z.string(), name: z.string(), hasAccount: z.boolean() }),
            ),
          }),
        },
      },
    },
    async () => ({
      people: (await office.team.listPeople()).map((person) => ({
        id: person.id,
        name: person.name,
        hasAccount: person.accountId !== null,
      })),
    }),
  );
}
