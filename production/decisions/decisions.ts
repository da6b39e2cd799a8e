import { z } from "zod";
import { plainText } from "../text.ts";

/**
 * The decision log and the tasks decisions create. A decision says what was decided, why,
 * by whom and when, what earlier decision it supersedes, and what it affects (a section, a
 * track, a budget line, a booking); it may create tasks for the people who carry it out.
 */

const text = (max: number) => plainText(max, true);

export const TASK_STATUSES = ["open", "in-progress", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const DECISION_LINK_KINDS = ["section", "track", "budget-line", "booking"] as const;
export const decisionLinkSchema = z.strictObject({
  kind: z.enum(DECISION_LINK_KINDS),
  id: plainText(200).pipe(z.string().min(1, "name what the decision affects")),
});
export type DecisionLink = z.infer<typeof decisionLinkSchema>;

/** `2026-04-02`: a due date is a day, not an instant. */
export const dueDateSchema = z.iso.date();

export const newTaskSchema = z.strictObject({
  title: text(300).min(1, "say what is to be done"),
  assigneeId: z.uuid().describe("The person (on the team) who does it."),
  dueDate: dueDateSchema.optional(),
  notes: text(4000).optional(),
});
export type NewTask = z.infer<typeof newTaskSchema>;

export const taskChangesSchema = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  title: text(300).min(1).optional(),
  assigneeId: z.uuid().optional(),
  dueDate: dueDateSchema.nullable().optional(),
  notes: text(4000).optional(),
});

export const newDecisionSchema = z.strictObject({
  what: text(1000).min(1, "say what was decided"),
  why: text(4000).min(1, "say why: the log is for the reasons"),
  supersedes: z.uuid().optional().describe("The earlier decision this one replaces."),
  links: z.array(decisionLinkSchema).max(50).default([]),
  tasks: z.array(newTaskSchema).max(50).default([]).describe("Tasks the decision creates."),
});
export type NewDecision = z.infer<typeof newDecisionSchema>;

export interface Task {
  id: string;
  projectId: string;
  title: string;
  assigneeId: string;
  status: TaskStatus;
  dueDate: string | null;
  notes: string;
  decisionId: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface Decision {
  id: string;
  projectId: string;
  what: string;
  why: string;
  decidedBy: string;
  decidedAt: Date;
  supersedes: string | null;
  supersededBy: string | null;
  links: DecisionLink[];
  taskIds: string[];
}

/** Whether a task is still to be done. */
export function isOpenTask(task: Pick<Task, "status">): boolean {
  return task.status === "open" || task.status === "in-progress";
}

/** A person's open tasks, the soonest due first (no due date last). */
export function agendaTasks<T extends Pick<Task, "status" | "dueDate" | "title">>(
  tasks: readonly T[],
): T[] {
  return tasks
    .filter(isOpenTask)
    .sort(
      (a, b) =>
        (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999") || a.title.localeCompare(b.title),
    );
}
