import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { can } from "../../../accounts/roles.ts";
import { ControlRoomError } from "../../../music/errors.ts";
import {
  DECISION_LINK_KINDS,
  type Decision,
  newDecisionSchema,
  newTaskSchema,
  TASK_STATUSES,
  type Task,
  taskChangesSchema,
} from "../../../production/decisions/decisions.ts";
import { auditOf } from "../../audit.ts";
import type { AuthContext } from "../../auth.ts";
import { caller, callerRole } from "../../route-access.ts";
import { announce, clock, ProjectParams } from "./common.ts";

export const TaskOut = z
  .object({
    id: z.string(),
    projectId: z.string(),
    title: z.string(),
    assigneeId: z.string().describe("The person on the team who does it."),
    status: z.enum(TASK_STATUSES),
    dueDate: z.string().nullable(),
    notes: z.string(),
    decisionId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "Task" });

const DecisionOut = z
  .object({
    id: z.string(),
    what: z.string(),
    why: z.string(),
    decidedBy: z.string(),
    decidedAt: z.string(),
    supersedes: z.string().nullable(),
    supersededBy: z.string().nullable(),
    links: z.array(z.object({ kind: z.enum(DECISION_LINK_KINDS), id: z.string() })),
    taskIds: z.array(z.string()),
  })
  .meta({ id: "Decision" });

export function taskOut(task: Task): z.infer<typeof TaskOut> {
  return { ...task, createdAt: task.createdAt.toISOString() };
}

function decisionOut(decision: Decision): z.infer<typeof DecisionOut> {
  const { projectId: _, ...rest } = decision;
  return { ...rest, decidedAt: decision.decidedAt.toISOString() };
}

/** The decision log, and tasks: who does what by when. */
export function decisionRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const office = context.store.production;
  const now = clock(context);

  route.get(
    "/api/projects/:projectId/decisions",
    {
      config: { access: { project: "project.read" } },
      schema: {
        summary: "Read the decision log",
        description:
          "Every decision, oldest first: what, why, who and when, what it supersedes and what superseded it, what it affects, and the tasks it created.",
        params: ProjectParams,
        response: { 200: z.object({ decisions: z.array(DecisionOut) }) },
      },
    },
    async (request) => ({
      decisions: (await office.decisions.listDecisions(request.params.projectId)).map(decisionOut),
    }),
  );

  route.post(
    "/api/projects/:projectId/decisions",
    {
      config: { access: { project: "decisions.record" } },
      schema: {
        summary: "Record a decision",
        description:
          "What was decided and why, what earlier decision it supersedes, links to what it affects (a section, a track, a budget line, a booking), and the tasks it creates for people on the team, all at once.",
        params: ProjectParams,
        body: newDecisionSchema,
        response: {
          200: z.object({ ok: z.literal(true), decision: DecisionOut, tasks: z.array(TaskOut) }),
        },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const { decision, tasks } = await office.decisions.recordDecision(
        projectId,
        request.body,
        signedIn.account.id,
        now(),
        (recorded) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "decision.recorded",
            subject: `decision:${recorded.id}`,
            detail: {
              what: recorded.what,
              supersedes: recorded.supersedes,
              tasks: recorded.taskIds,
            },
          }),
      );
      announce(context, projectId, "decision", decision.id, "created");
      for (const task of tasks) announce(context, projectId, "task", task.id, "created");
      return { ok: true as const, decision: decisionOut(decision), tasks: tasks.map(taskOut) };
    },
  );

  route.get(
    "/api/projects/:projectId/tasks",
    {
      config: { access: { project: "project.read" } },
      schema: {
        summary: "List the tasks",
        description: "Every task of the project with its assignee, status and due date.",
        params: ProjectParams,
        response: { 200: z.object({ tasks: z.array(TaskOut) }) },
      },
    },
    async (request) => ({
      tasks: (await office.decisions.listTasks(request.params.projectId)).map(taskOut),
    }),
  );

  route.post(
    "/api/projects/:projectId/tasks",
    {
      config: { access: { project: "tasks.assign" } },
      schema: {
        summary: "Give someone a task",
        description: "A task for a person on the team, with an optional due date (a day).",
        params: ProjectParams,
        body: newTaskSchema,
        response: { 200: z.object({ ok: z.literal(true), task: TaskOut }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const task = await office.decisions.createTask(
        projectId,
        request.body,
        signedIn.account.id,
        now(),
        (created) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "task.created",
            subject: `task:${created.id}`,
            detail: request.body,
          }),
      );
      announce(context, projectId, "task", task.id, "created");
      return { ok: true as const, task: taskOut(task) };
    },
  );

  route.patch(
    "/api/projects/:projectId/tasks/:taskId",
    {
      config: { access: { project: "tasks.update" } },
      schema: {
        summary: "Move a task along",
        description:
          "The assignee moves their own task's status (open, in-progress, done) and notes; whoever gives tasks (the producer) changes anything of any task. 403 for someone else's task.",
        params: z.strictObject({ projectId: z.string(), taskId: z.string() }),
        body: taskChangesSchema,
        response: { 200: z.object({ ok: z.literal(true), task: TaskOut }) },
      },
    },
    async (request) => {
      const { projectId, taskId } = request.params;
      const signedIn = caller(request);
      if (!can(callerRole(request), "tasks.assign")) {
        const task = await office.decisions.findTask(projectId, taskId);
        const me = await office.team.findPersonOfAccount(signedIn.account.id);
        if (me?.id !== task.assigneeId) {
          throw new ControlRoomError(
            "E_FORBIDDEN",
            "only its assignee, or whoever gives tasks, moves a task along",
            "taskId",
          );
        }
        const only = Object.keys(request.body).find((key) => key !== "status" && key !== "notes");
        if (only !== undefined) {
          throw new ControlRoomError(
            "E_FORBIDDEN",
            `${only}: the assignee changes a task's status and notes; the rest is the producer's`,
            only,
          );
        }
      }
      const task = await office.decisions.changeTask(
        projectId,
        taskId,
        request.body,
        now(),
        (before, after) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "task.changed",
            subject: `task:${taskId}`,
            detail: { changes: request.body, from: before.status, to: after.status },
          }),
      );
      announce(context, projectId, "task", task.id, "changed");
      return { ok: true as const, task: taskOut(task) };
    },
  );
}
