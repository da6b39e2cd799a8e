/**
 * The audit log: who changed what, when, from where, and whether it was allowed.
 *
 * Every route that changes something writes one entry, and so do sign-in, sign-out and
 * refused attempts. `detail` is what changed, passed through `redactSecrets`, so no
 * password, token or cookie ever reaches the log however a caller builds it.
 */
import { type JsonValue, redactSecrets } from "./redact.ts";
import type { Action } from "./roles.ts";

/** Things that happen to accounts rather than inside a project. */
export const ACCOUNT_EVENTS = [
  "account.created",
  "account.signed-in",
  "account.sign-in-refused",
  "account.signed-out",
  "account.password-changed",
  "account.signed-out-everywhere",
  "account.password-reset-issued",
  "account.password-reset",
  "account.disabled",
  "account.enabled",
  "access-token.created",
  "access-token.revoked",
  "invitation.accepted",
] as const;
export type AccountEvent = (typeof ACCOUNT_EVENTS)[number];

/** Changes inside a project, named for what happened (a save may need several actions). */
export const PROJECT_EVENTS = [
  "project.created",
  "project.archived",
  "project.unarchived",
  "project.exported",
  "revision.saved",
  "revision.replaced",
  "revision.restored",
  "file.uploaded",
  "file.deleted",
  "invitation.created",
  "invitation.revoked",
  "member.role-changed",
  "member.removed",
  "team.added",
  "team.changed",
  "team.removed",
  "assignment.set",
  "assignment.cleared",
  "studio.created",
  "room.created",
  "booking.created",
  "booking.changed",
  "booking.reported",
  "budget-line.added",
  "budget-line.changed",
  "budget-line.deleted",
  "budget-line.approved",
  "budget-line.paid",
  "expense.added",
  "budget.exported",
  "decision.recorded",
  "task.created",
  "task.changed",
] as const;
export type ProjectEvent = (typeof PROJECT_EVENTS)[number];

export type AuditOutcome = "done" | "forbidden" | "refused" | "failed";

export interface AuditEntry {
  /** ISO 8601. */
  readonly at: string;
  /** The account that acted; null for the server itself or an unknown caller. */
  readonly actorId: string | null;
  /** The project acted on; null for what happens outside one (signing in). */
  readonly projectId: string | null;
  readonly event: Action | AccountEvent | ProjectEvent;
  /** What was acted on, such as `budget-line:42` or `track:vocals`. */
  readonly subject: string | null;
  readonly outcome: AuditOutcome;
  /** The client's address. */
  readonly address: string | null;
  readonly detail: JsonValue;
}

export interface AuditInput {
  readonly at: Date;
  readonly actorId?: string | null;
  readonly projectId?: string | null;
  readonly event: Action | AccountEvent | ProjectEvent;
  readonly subject?: string | null;
  readonly outcome: AuditOutcome;
  readonly address?: string | null;
  readonly detail?: unknown;
}

/** An entry ready to store or log, with its detail redacted. */
export function auditEntry(input: AuditInput): AuditEntry {
  return {
    at: input.at.toISOString(),
    actorId: input.actorId ?? null,
    projectId: input.projectId ?? null,
    event: input.event,
    subject: input.subject ?? null,
    outcome: input.outcome,
    address: input.address ?? null,
    detail: redactSecrets(input.detail ?? null),
  };
}
