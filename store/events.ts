import type { JobKind, JobState } from "./schema.ts";

/**
 * What happens to a project that people connected to it are told at once: a committed save
 * (or restore), and a job's progress. Events go through the database (PostgreSQL's
 * NOTIFY, which PGlite has too), so every server process hears every save and every
 * worker's progress, wherever they were made.
 */
export type ProjectEvent =
  | {
      type: "revision";
      projectId: string;
      revision: number;
      author: string;
      operations: number;
      /** Set when the revision restores an older one. */
      restoredFrom?: number;
    }
  | {
      type: "job";
      projectId: string;
      jobId: string;
      kind: JobKind;
      state: JobState;
      progress: number;
      stage: string;
      /** Why a failed job failed, as its row records it. */
      error?: string;
    }
  | {
      /** The production office changed: a team member, booking, budget line, decision… */
      type: "production";
      projectId: string;
      subject: ProductionSubject;
      /** The id of what changed (a person's for the team). */
      id: string;
      change: "created" | "changed" | "removed";
    };

export const PRODUCTION_SUBJECTS = [
  "team",
  "assignment",
  "booking",
  "budget",
  "decision",
  "task",
] as const;
export type ProductionSubject = (typeof PRODUCTION_SUBJECTS)[number];

/**
 * Someone's access ended: a member was removed from a project (`projectId`), or sessions or an
 * access token ended (signed out, signed out everywhere, password changed or reset, account
 * disabled, token revoked). Every process closes the matching feeds: the account's, on the
 * project if one is named, of the one credential `ended` if named, except the credential
 * `kept` (the session that changed the password). A credential is a session's token hash or
 * `token:<id>`.
 */
export interface AccessEvent {
  type: "access";
  accountId: string;
  reason:
    | "member-removed"
    | "signed-out"
    | "signed-out-everywhere"
    | "password-changed"
    | "account-disabled"
    | "token-revoked";
  projectId?: string;
  ended?: string;
  kept?: string;
}

/** Everything announced on the channel. */
export type StudioEvent = ProjectEvent | AccessEvent;

export const EVENTS_CHANNEL = "controlroom_events";

/** NOTIFY payloads are limited to 8000 bytes; an event is a few hundred. */
const MAX_PAYLOAD = 7_900;

export function encodeEvent(event: StudioEvent): string {
  const payload = JSON.stringify(event);
  if (payload.length > MAX_PAYLOAD) {
    throw new Error(`a ${event.type} event of ${payload.length} bytes is too big to announce`);
  }
  return payload;
}

/** The event in a notification's payload, or undefined for anything else on the channel. */
export function decodeEvent(payload: string): StudioEvent | undefined {
  try {
    const event = JSON.parse(payload) as StudioEvent;
    if (event?.type === "access") return typeof event.accountId === "string" ? event : undefined;
    return typeof event?.projectId === "string" &&
      (event.type === "revision" || event.type === "job" || event.type === "production")
      ? event
      : undefined;
  } catch {
    return undefined;
  }
}
