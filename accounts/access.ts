/**
 * The check every project route makes: is this account a member of this project, and
 * does its role allow the action?
 *
 * Someone who is not a member gets the same answer as for a project that does not exist
 * (`E_NOT_FOUND`), so guessing project ids tells nothing. A member whose role does not
 * allow the action gets `E_FORBIDDEN`. Records inside a project (a take, a budget line)
 * are looked up by project id and record id together; `requireSameProject` is the guard
 * for a record that was found some other way.
 */
import { ControlRoomError } from "../music/errors.ts";
import { type Action, type Circumstances, can, type Role } from "./roles.ts";

export interface Membership {
  readonly accountId: string;
  readonly projectId: string;
  readonly role: Role;
}

export type AccessDecision =
  | { readonly allowed: true; readonly role: Role }
  | { readonly allowed: false; readonly reason: "not-found" | "forbidden" };

export interface AccessRequest extends Circumstances {
  /** The project the route names. */
  readonly projectId: string;
  readonly action: Action;
  /** The caller's membership of that project, or undefined when there is none. */
  readonly membership: Membership | undefined;
}

export function decideAccess(request: AccessRequest): AccessDecision {
  const { membership, projectId, action } = request;
  if (membership === undefined || membership.projectId !== projectId) {
    return { allowed: false, reason: "not-found" };
  }
  if (!can(membership.role, action, request)) return { allowed: false, reason: "forbidden" };
  return { allowed: true, role: membership.role };
}

/** `decideAccess`, throwing `E_NOT_FOUND` (HTTP 404) or `E_FORBIDDEN` (HTTP 403). */
export function requireAccess(request: AccessRequest): Role {
  const decision = decideAccess(request);
  if (decision.allowed) return decision.role;
  if (decision.reason === "not-found") throw projectNotFound(request.projectId);
  throw new ControlRoomError(
    "E_FORBIDDEN",
    `your role on this project does not allow ${request.action}`,
    request.action,
  );
}

/** A record belongs to the project the route names, or it does not exist for this caller. */
export function requireSameProject(
  record: { readonly projectId: string } | undefined,
  projectId: string,
  recordId: string,
): void {
  if (record === undefined || record.projectId !== projectId) {
    throw new ControlRoomError("E_NOT_FOUND", `there is no ${recordId} in this project`, recordId);
  }
}

function projectNotFound(projectId: string): ControlRoomError {
  return new ControlRoomError("E_NOT_FOUND", `there is no project ${projectId}`, projectId);
}
