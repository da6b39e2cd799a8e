/**
 * Project roles and the one permission table every route is checked against.
 *
 * A route names the action it performs; `can(role, action)` answers from `PERMISSIONS`
 * and nothing else. Adding an action means adding a row here, with a cell for every role,
 * and the expected matrix in `roles.test.ts` has to change with it.
 */
import { z } from "zod";

export const ROLES = ["producer", "engineer", "musician", "artist", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** Each role in the studio's words (docs: ../shared/guide/product.md). */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  producer:
    "Decides what the music is and what it costs: the arrangement, the team, sessions and " +
    "rooms, the budget, splits and credits, and the final say on the mix. Can do everything.",
  engineer:
    "Makes it real: runs the console (strips, buses, master, automation), records, comps and " +
    "edits takes, keeps the equipment and the input list, measures and treats the room. " +
    "Sees no money.",
  musician: "Plays on the record: listens, uploads takes and comments on them.",
  artist:
    "The artist or client: listens, comments, and approves a mix when the producer asks " +
    "them to.",
  viewer: "Follows along: can open, listen and read, and changes nothing.",
};

/**
 * A cell of the table. `asked` is allowed only on a request addressed to that member:
 * an artist approves a mix when the producer has asked for their approval, never on their
 * own initiative. The caller says whether such a request exists (`can(..., { asked })`).
 */
export type Grant = "yes" | "no" | "asked";

export interface PermissionRow {
  /** What the action lets someone do, in the studio's words. */
  readonly what: string;
  /** True when the action changes something; a viewer holds none of these. */
  readonly changes: boolean;
  readonly grants: Readonly<Record<Role, Grant>>;
}

function row(what: string, changes: boolean, grants: Record<Role, Grant>): PermissionRow {
  return { what, changes, grants };
}

const everyone = {
  producer: "yes",
  engineer: "yes",
  musician: "yes",
  artist: "yes",
  viewer: "yes",
} as const;
const producerOnly = {
  producer: "yes",
  engineer: "no",
  musician: "no",
  artist: "no",
  viewer: "no",
} as const;
const producerAndEngineer = { ...producerOnly, engineer: "yes" } as const;

export const PERMISSIONS = {
  "project.read": row(
    "Open the project: arrangement, console, meters, comments, the mix review player.",
    false,
    everyone,
  ),
  "files.read": row("Listen to and download audio, takes, renders and stems.", false, everyone),
  "members.read": row("See who is on the project and in which role.", false, everyone),
  "jobs.read": row("See renders, analyses and imports and their reports.", false, everyone),
  "revisions.read": row("See the saved revisions of the project.", false, everyone),
  "budget.read": row(
    "See the budget: estimates, actuals, rates, fees and cost alerts.",
    false,
    producerOnly,
  ),
  "rights.read": row("See splits, points and credits.", false, producerOnly),
  "audit.read": row("Read the audit log of who changed what.", false, producerOnly),

  "project.edit-arrangement": row(
    "Plan sections, tempo and metre, the section × track matrix, note clips, lyrics and chords.",
    true,
    producerOnly,
  ),
  "project.edit-details": row(
    "Rename the project and prepare its release metadata.",
    true,
    producerOnly,
  ),
  "mix.edit": row(
    "Work the console: channel strips, sends, buses, the master and automation.",
    true,
    producerAndEngineer,
  ),
  "recording.manage": row(
    "Keep and comp takes; trim, split, move, fade and crossfade clips; clip gain.",
    true,
    producerAndEngineer,
  ),
  "files.upload-take": row("Upload a take or an audio file.", true, {
    ...producerAndEngineer,
    musician: "yes",
  }),
  "rooms.edit": row(
    "Keep rooms: room modes, reverberation time, impulse responses, the treatment plan.",
    true,
    producerAndEngineer,
  ),
  "equipment.edit": row(
    "Keep the inventory, the input list and the session setup sheets.",
    true,
    producerAndEngineer,
  ),
  "sessions.book": row(
    "Book people and rooms for sessions (bookings feed the budget).",
    true,
    producerOnly,
  ),
  "comments.write": row("Leave timestamped comments.", true, {
    ...producerAndEngineer,
    musician: "yes",
    artist: "yes",
  }),
  "approvals.request": row("Ask someone to approve a mix or a cost.", true, producerOnly),
  "approvals.give": row("Approve or request changes.", true, { ...producerOnly, artist: "asked" }),
  "budget.edit": row(
    "Change budget lines, estimates and actuals; approve costs.",
    true,
    producerOnly,
  ),
  "rights.edit": row("Record splits, points and credits.", true, producerOnly),
  "team.edit": row(
    "Build the team: add people with their roles, rates and fees; assign them to tracks, sessions and tasks.",
    true,
    producerOnly,
  ),
  "decisions.record": row("Record decisions in the project's log.", true, producerOnly),
  "tasks.assign": row("Give someone on the team a task.", true, producerOnly),
  "tasks.update": row("Move one's own task along (open, in progress, done).", true, {
    ...producerAndEngineer,
    musician: "yes",
    artist: "yes",
  }),
  "members.invite": row("Invite someone to the project in a role.", true, producerOnly),
  "members.manage": row("Change a member's role or remove them.", true, producerOnly),
  "jobs.run": row(
    "Start renders, analyses, masters, imports and exports.",
    true,
    producerAndEngineer,
  ),
  "revisions.restore": row("Put the project back to an earlier revision.", true, producerOnly),
  "project.delete": row("Delete the project.", true, producerOnly),
} as const satisfies Record<string, PermissionRow>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as readonly Action[];
export const actionSchema = z.enum(ACTIONS as [Action, ...Action[]]);

export interface Circumstances {
  /** There is an open request addressed to this member for what they act on. */
  readonly asked?: boolean;
}

/** Whether `role` may perform `action`, read from `PERMISSIONS` alone. */
export function can(role: Role, action: Action, circumstances: Circumstances = {}): boolean {
  const grant: Grant = PERMISSIONS[action].grants[role];
  return grant === "yes" || (grant === "asked" && circumstances.asked === true);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
