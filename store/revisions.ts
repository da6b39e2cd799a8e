import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { ControlRoomError } from "../music/errors.ts";
import { Operation } from "../music/operations.ts";
import type { Project } from "../music/project.ts";
import { parseProject } from "../music/validate.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import {
  FOREIGN_KEY_VIOLATION,
  type StoreDatabase,
  sqlState,
  UNIQUE_VIOLATION,
  violatedConstraint,
} from "./database.ts";
import { checkId, checkRevisionNumber } from "./ids.ts";
import { projectArchived } from "./projects.ts";
import { accounts, projects, revisions } from "./schema.ts";
import { refuseNul } from "./text.ts";

/**
 * A project's documents, one row per save. A save names the revision it was made on
 * (`baseRevision`); if another save got there first it is refused with the current number,
 * and the client loads that, replays its operations and saves again. Nothing is overwritten.
 */

export interface Revision {
  projectId: string;
  number: number;
  /** The revision this one was saved on; null for the first. */
  parent: number | null;
  authorId: string;
  createdAt: Date;
  document: Project;
  /** The operations that turned the parent's document into this one. */
  operations: Operation[];
  /** Set when this revision restores an older one. */
  restoredFrom: number | null;
}

export type RevisionSummary = Omit<Revision, "document" | "operations"> & {
  operationCount: number;
  /** The author's display name, as it reads now. */
  authorName: string;
};

export interface SaveRevision {
  baseRevision: number;
  author: string;
  document: unknown;
  operations: unknown[];
}

/** E_STORE_CONFLICT: a save based on a revision that is no longer the current one. */
export class RevisionConflictError extends ControlRoomError {
  readonly projectId: string;
  readonly baseRevision: number;
  readonly currentRevision: number;

  constructor(projectId: string, baseRevision: number, currentRevision: number) {
    super(
      "E_STORE_CONFLICT",
      baseRevision < currentRevision
        ? `project ${projectId} is at revision ${currentRevision}: it was saved again after revision ${baseRevision}, which this save was based on; load revision ${currentRevision}, apply the edits to it and save again`
        : `project ${projectId} is at revision ${currentRevision}; this save was based on revision ${baseRevision}, which does not exist yet`,
      "baseRevision",
    );
    this.name = "RevisionConflictError";
    this.projectId = projectId;
    this.baseRevision = baseRevision;
    this.currentRevision = currentRevision;
  }
}

const Operations = z.array(Operation);

function checkDocument(document: unknown): Project {
  const parsed = parseProject(document, "document");
  refuseNul(parsed, "document");
  return parsed;
}

/**
 * Checks the operations and returns them as they were sent: parsing would fill in schema
 * defaults (a `song.set` of the title alone would come back setting the artist too), and
 * the log must say exactly what the edit changed.
 */
function checkOperations(operations: unknown): Operation[] {
  const result = Operations.safeParse(operations);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = ["operations", ...issue.path].join(".");
    throw new ControlRoomError("E_STORE_OPERATIONS", `${field}: ${issue.message}`, field);
  }
  refuseNul(operations, "operations");
  return operations as Operation[];
}

function projectMissing(projectId: string): ControlRoomError {
  return new ControlRoomError(
    "E_STORE_PROJECT_MISSING",
    `there is no project ${projectId}`,
    "projectId",
  );
}

type Transaction = Parameters<Parameters<StoreDatabase["transaction"]>[0]>[0];

interface NewRevision {
  authorId: string;
  document: Project;
  operations: Operation[];
  restoredFrom: number | null;
  /** The audit entry for the new revision, written in the same transaction. */
  audit?: (revision: number) => AuditRecord;
}

/**
 * Locks the project row, checks the base, appends the revision and moves the project's
 * pointer, all in the caller's transaction. The row lock serialises saves to one project;
 * the primary key (project_id, number) would refuse a second winner even without it.
 */
async function appendRevision(
  tx: Transaction,
  projectId: string,
  baseRevision: number,
  revision: NewRevision,
): Promise<number> {
  const [project] = await tx
    .select({ current: projects.currentRevision, archivedAt: projects.archivedAt })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for("update");
  if (!project) throw projectMissing(projectId);
  // Checked under the row lock, so an archive and a save cannot pass each other.
  if (project.archivedAt !== null) throw projectArchived(projectId, "new revisions");
  if (project.current !== baseRevision) {
    throw new RevisionConflictError(projectId, baseRevision, project.current);
  }
  const number = baseRevision + 1;
  await tx.insert(revisions).values({
    projectId,
    number,
    parentNumber: baseRevision,
    authorId: revision.authorId,
    document: revision.document,
    operations: revision.operations,
    restoredFrom: revision.restoredFrom,
  });
  await tx.update(projects).set({ currentRevision: number }).where(eq(projects.id, projectId));
  if (revision.audit) await recordAudit(tx, revision.audit(number));
  return number;
}

async function inTransaction(
  db: StoreDatabase,
  projectId: string,
  baseRevision: number,
  work: (tx: Transaction) => Promise<number>,
): Promise<number> {
  try {
    return await db.transaction(work);
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION && violatedConstraint(error) === "revisions_pkey") {
      throw new RevisionConflictError(
        projectId,
        baseRevision,
        await currentRevision(db, projectId),
      );
    }
    if (
      sqlState(error) === FOREIGN_KEY_VIOLATION &&
      violatedConstraint(error)?.includes("author")
    ) {
      throw new ControlRoomError(
        "E_STORE_ACCOUNT_MISSING",
        "the author of this revision is not an account",
        "author",
      );
    }
    throw error;
  }
}

/** Saves a new revision on top of `baseRevision` and returns its number. */
export async function saveRevision(
  db: StoreDatabase,
  projectId: string,
  save: SaveRevision,
  audit?: (revision: number) => AuditRecord,
): Promise<number> {
  checkId(projectId, "projectId");
  const authorId = checkId(save.author, "author");
  checkRevisionNumber(save.baseRevision, "baseRevision");
  const document = checkDocument(save.document);
  const operations = checkOperations(save.operations);
  return inTransaction(db, projectId, save.baseRevision, (tx) =>
    appendRevision(tx, projectId, save.baseRevision, {
      authorId,
      document,
      operations,
      restoredFrom: null,
      audit,
    }),
  );
}

/**
 * Makes revision `number` current again by saving its document as a new revision; the
 * revisions in between stay in the history.
 */
export async function restoreRevision(
  db: StoreDatabase,
  projectId: string,
  number: number,
  author: string,
  baseRevision: number,
  audit?: (revision: number) => AuditRecord,
): Promise<number> {
  checkId(projectId, "projectId");
  const authorId = checkId(author, "author");
  checkRevisionNumber(number, "number");
  checkRevisionNumber(baseRevision, "baseRevision");
  return inTransaction(db, projectId, baseRevision, async (tx) => {
    const [old] = await tx
      .select({ document: revisions.document })
      .from(revisions)
      .where(and(eq(revisions.projectId, projectId), eq(revisions.number, number)));
    if (!old) throw revisionMissing(projectId, number);
    return appendRevision(tx, projectId, baseRevision, {
      authorId,
      document: checkDocument(old.document),
      operations: [],
      restoredFrom: number,
      audit,
    });
  });
}

function revisionMissing(projectId: string, number: number): ControlRoomError {
  return new ControlRoomError(
    "E_STORE_REVISION_MISSING",
    `project ${projectId} has no revision ${number}`,
    "number",
  );
}

export async function currentRevision(db: StoreDatabase, projectId: string): Promise<number> {
  checkId(projectId, "projectId");
  const [project] = await db
    .select({ current: projects.currentRevision })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw projectMissing(projectId);
  return project.current;
}

/** Loads revision `number`, or the current one. The document is validated on the way out too. */
export async function loadRevision(
  db: StoreDatabase,
  projectId: string,
  number?: number,
): Promise<Revision> {
  checkId(projectId, "projectId");
  if (number !== undefined) checkRevisionNumber(number, "number");
  const wanted = number ?? (await currentRevision(db, projectId));
  const [row] = await db
    .select()
    .from(revisions)
    .where(and(eq(revisions.projectId, projectId), eq(revisions.number, wanted)));
  if (!row) throw revisionMissing(projectId, wanted);
  return {
    projectId: row.projectId,
    number: row.number,
    parent: row.parentNumber,
    authorId: row.authorId,
    createdAt: row.createdAt,
    document: parseProject(row.document, `revision ${row.number}`),
    operations: checkOperations(row.operations),
    restoredFrom: row.restoredFrom,
  };
}

/** Every revision of a project without its document, oldest first (or newest first). */
export async function listRevisions(
  db: StoreDatabase,
  projectId: string,
  order: "oldest first" | "newest first" = "oldest first",
): Promise<RevisionSummary[]> {
  checkId(projectId, "projectId");
  await currentRevision(db, projectId);
  const rows = await db
    .select({
      projectId: revisions.projectId,
      number: revisions.number,
      parent: revisions.parentNumber,
      authorId: revisions.authorId,
      authorName: accounts.displayName,
      createdAt: revisions.createdAt,
      restoredFrom: revisions.restoredFrom,
      operationCount: sql<number>`jsonb_array_length(${revisions.operations})::int`,
    })
    .from(revisions)
    .innerJoin(accounts, eq(accounts.id, revisions.authorId))
    .where(eq(revisions.projectId, projectId))
    .orderBy(order === "oldest first" ? asc(revisions.number) : desc(revisions.number));
  return rows;
}
