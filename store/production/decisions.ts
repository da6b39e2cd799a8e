import { and, asc, eq } from "drizzle-orm";
import { ControlRoomError } from "../../music/errors.ts";
import type {
  Decision,
  NewDecision,
  NewTask,
  Task,
  TaskStatus,
} from "../../production/decisions/decisions.ts";
import { type AuditRecord, recordAudit } from "../audit.ts";
import type { StoreDatabase } from "../database.ts";
import { checkId } from "../ids.ts";
import { projectMembers } from "../schema.ts";
import { assignments, decisions, tasks } from "./schema.ts";
import { requireOnTeam } from "./team.ts";

/** The decision log, tasks, and who does what on a track, a session or a task. */

function taskOf(row: typeof tasks.$inferSelect): Task {
  return {
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    assigneeId: row.assigneeId,
    status: row.status,
    dueDate: row.dueDate,
    notes: row.notes,
    decisionId: row.decisionId,
    createdBy: row.createdBy ?? "",
    createdAt: row.createdAt,
  };
}

async function insertTasks(
  tx: StoreDatabase,
  projectId: string,
  newTasks: readonly NewTask[],
  decisionId: string | null,
  by: string,
  now: Date,
): Promise<Task[]> {
  if (newTasks.length === 0) return [];
  await requireOnTeam(
    tx,
    projectId,
    newTasks.map((task) => task.assigneeId),
    "assigneeId",
  );
  const rows = await tx
    .insert(tasks)
    .values(
      newTasks.map((task) => ({
        projectId,
        title: task.title,
        assigneeId: task.assigneeId,
        dueDate: task.dueDate ?? null,
        notes: task.notes ?? "",
        decisionId,
        createdBy: by,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning();
  return rows.map(taskOf);
}

export async function recordDecision(
  db: StoreDatabase,
  projectId: string,
  decision: NewDecision,
  by: string,
  now: Date,
  audit?: (decision: Decision) => AuditRecord,
): Promise<{ decision: Decision; tasks: Task[] }> {
  checkId(projectId, "projectId");
  return db.transaction(async (tx) => {
    if (decision.supersedes !== undefined) {
      const [earlier] = await tx
        .select({ id: decisions.id })
        .from(decisions)
        .where(and(eq(decisions.id, decision.supersedes), eq(decisions.projectId, projectId)));
      if (!earlier) {
        throw new ControlRoomError(
          "E_NOT_FOUND_DECISION",
          `this project has no decision ${decision.supersedes} to supersede`,
          "supersedes",
        );
      }
    }
    const [row] = await tx
      .insert(decisions)
      .values({
        projectId,
        what: decision.what,
        why: decision.why,
        decidedBy: by,
        decidedAt: now,
        supersedes: decision.supersedes ?? null,
        links: decision.links,
      })
      .returning();
    const created = await insertTasks(tx, projectId, decision.tasks, row.id, by, now);
    const stored: Decision = {
      id: row.id,
      projectId,
      what: row.what,
      why: row.why,
      decidedBy: by,
      decidedAt: row.decidedAt,
      supersedes: row.supersedes,
      supersededBy: null,
      links: row.links,
      taskIds: created.map((task) => task.id),
    };
    if (audit) await recordAudit(tx, audit(stored));
    return { decision: stored, tasks: created };
  });
}

export async function listDecisions(db: StoreDatabase, projectId: string): Promise<Decision[]> {
  checkId(projectId, "projectId");
  const rows = await db
    .select()
    .from(decisions)
    .where(eq(decisions.projectId, projectId))
    .orderBy(asc(decisions.decidedAt), asc(decisions.id));
  const taskRows = await db
    .select({ id: tasks.id, decisionId: tasks.decisionId })
    .from(tasks)
    .where(eq(tasks.projectId, projectId));
  return rows.map((row) => ({
    id: row.id,
    projectId,
    what: row.what,
    why: row.why,
    decidedBy: row.decidedBy ?? "",
    decidedAt: row.decidedAt,
    supersedes: row.supersedes,
    supersededBy: rows.find((later) => later.supersedes === row.id)?.id ?? null,
    links: row.links,
    taskIds: taskRows.filter((task) => task.decisionId === row.id).map((task) => task.id),
  }));
}

export async function createTask(
  db: StoreDatabase,
  projectId: string,
  task: NewTask,
  by: string,
  now: Date,
  audit?: (task: Task) => AuditRecord,
): Promise<Task> {
  checkId(projectId, "projectId");
  return db.transaction(async (tx) => {
    const [created] = await insertTasks(tx, projectId, [task], null, by, now);
    if (audit) await recordAudit(tx, audit(created));
    return created;
  });
}

export async function listTasks(db: StoreDatabase, projectId: string): Promise<Task[]> {
  checkId(projectId, "projectId");
  const rows = await db
    .select()
    .from(tasks)
    .where(eq(tasks.projectId, projectId))
    .orderBy(asc(tasks.createdAt), asc(tasks.id));
  return rows.map(taskOf);
}

export async function findTask(
  db: StoreDatabase,
  projectId: string,
  taskId: string,
): Promise<Task> {
  checkId(projectId, "projectId");
  checkId(taskId, "taskId");
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, taskId), eq(tasks.projectId, projectId)));
  if (!row) {
    throw new ControlRoomError("E_NOT_FOUND_TASK", `this project has no task ${taskId}`, "taskId");
  }
  return taskOf(row);
}

export async function changeTask(
  db: StoreDatabase,
  projectId: string,
  taskId: string,
  changes: {
    status?: TaskStatus;
    title?: string;
    assigneeId?: string;
    dueDate?: string | null;
    notes?: string;
  },
  now: Date,
  audit?: (before: Task, after: Task) => AuditRecord,
): Promise<Task> {
  return db.transaction(async (tx) => {
    const before = await findTask(tx, projectId, taskId);
    if (changes.assigneeId !== undefined) {
      await requireOnTeam(tx, projectId, [changes.assigneeId], "assigneeId");
    }
    const [row] = await tx
      .update(tasks)
      .set({ ...changes, updatedAt: now })
      .where(eq(tasks.id, taskId))
      .returning();
    const after = taskOf(row);
    if (audit) await recordAudit(tx, audit(before, after));
    return after;
  });
}

/** A person's tasks on the projects the account is (still) a member of. */
export async function listPersonTasks(
  db: StoreDatabase,
  personId: string,
  accountId: string,
  projectId?: string,
): Promise<Task[]> {
  checkId(personId, "personId");
  const rows = await db
    .select({ task: tasks })
    .from(tasks)
    .innerJoin(
      projectMembers,
      and(eq(projectMembers.projectId, tasks.projectId), eq(projectMembers.accountId, accountId)),
    )
    .where(
      and(
        eq(tasks.assigneeId, personId),
        projectId === undefined ? undefined : eq(tasks.projectId, projectId),
      ),
    )
    .orderBy(asc(tasks.dueDate), asc(tasks.id));
  return rows.map((row) => taskOf(row.task));
}

export interface Assignment {
  id: string;
  personId: string;
  targetKind: "track" | "booking" | "task";
  targetId: string;
  part: string;
}

/** Who does `part` on a target; a second answer replaces the first ("one answer"). */
export async function assign(
  db: StoreDatabase,
  projectId: string,
  assignment: Omit<Assignment, "id">,
  audit?: (assignment: Assignment) => AuditRecord,
): Promise<Assignment> {
  checkId(projectId, "projectId");
  return db.transaction(async (tx) => {
    await requireOnTeam(tx, projectId, [assignment.personId], "personId");
    const [row] = await tx
      .insert(assignments)
      .values({ projectId, ...assignment })
      .onConflictDoUpdate({
        target: [
          assignments.projectId,
          assignments.targetKind,
          assignments.targetId,
          assignments.part,
        ],
        set: { personId: assignment.personId },
      })
      .returning();
    const stored: Assignment = {
      id: row.id,
      personId: row.personId,
      targetKind: row.targetKind,
      targetId: row.targetId,
      part: row.part,
    };
    if (audit) await recordAudit(tx, audit(stored));
    return stored;
  });
}

export async function listAssignments(db: StoreDatabase, projectId: string): Promise<Assignment[]> {
  checkId(projectId, "projectId");
  const rows = await db
    .select()
    .from(assignments)
    .where(eq(assignments.projectId, projectId))
    .orderBy(asc(assignments.targetKind), asc(assignments.targetId), asc(assignments.part));
  return rows.map(({ projectId: _, ...row }) => row);
}

export async function unassign(
  db: StoreDatabase,
  projectId: string,
  assignmentId: string,
  audit?: AuditRecord,
): Promise<void> {
  checkId(projectId, "projectId");
  checkId(assignmentId, "assignmentId");
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(assignments)
      .where(and(eq(assignments.id, assignmentId), eq(assignments.projectId, projectId)))
      .returning({ id: assignments.id });
    if (removed.length === 0) {
      throw new ControlRoomError(
        "E_NOT_FOUND_ASSIGNMENT",
        `this project has no assignment ${assignmentId}`,
        "assignmentId",
      );
    }
    if (audit) await recordAudit(tx, audit);
  });
}
