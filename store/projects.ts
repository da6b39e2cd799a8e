import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { parseProject } from "../music/validate.ts";
import { type AuditRecord, recordAudit } from "./audit.ts";
import { FOREIGN_KEY_VIOLATION, type StoreDatabase, sqlState } from "./database.ts";
import type { StoredAudio } from "./files.ts";
import { checkFileName } from "./files.ts";
import { checkId } from "./ids.ts";
import {
  blobAudio,
  blobs,
  projectFiles,
  projectMembers,
  projects,
  type Role,
  revisions,
} from "./schema.ts";
import { refuseNul } from "./text.ts";

export interface ProjectRecord {
  id: string;
  title: string;
  ownerId: string;
  createdAt: Date;
  currentRevision: number;
  /** When the project was archived; null while it is active. */
  archivedAt: Date | null;
}

export interface NewProject {
  title: string;
  owner: string;
  /** Revision 1. */
  document: unknown;
}

/** A file a new project starts with: its bytes already in the blob store under `sha256`. */
export interface NewProjectFile {
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
  /** What it holds as audio, for saves to be checked against. */
  audio?: StoredAudio;
}

type Transaction = Parameters<Parameters<StoreDatabase["transaction"]>[0]>[0];

/**
 * Creates a project with its first revision, and its owner as its producer, in one
 * transaction. Returns the project, at revision 1.
 */
export async function createProject(db: StoreDatabase, input: NewProject): Promise<ProjectRecord> {
  return createProjectWithFiles(db, input, []);
}

/**
 * Creates a project that starts with files (an import): the project, its first revision, its
 * producer, its files and the audit entry in one transaction, so a failure anywhere leaves no
 * project at all. The files' bytes must already be in the blob store; a refused import
 * leaves at worst blobs nothing names, as a crash during an upload does.
 */
export async function createProjectWithFiles(
  db: StoreDatabase,
  input: NewProject,
  files: readonly NewProjectFile[],
  audit?: (project: ProjectRecord) => AuditRecord,
): Promise<ProjectRecord> {
  const ownerId = checkId(input.owner, "owner");
  const title = input.title.trim();
  if (title.length === 0) {
    throw new ControlRoomError("E_STORE_TITLE", "the project title is empty", "title");
  }
  refuseNul(title, "title");
  const document = parseProject(input.document, "document");
  refuseNul(document, "document");
  for (const file of files) checkFileName(file.name);
  try {
    return await db.transaction(async (tx) => {
      const [project] = await tx
        .insert(projects)
        .values({ title, ownerId, currentRevision: 1 })
        .returning();
      await tx.insert(revisions).values({
        projectId: project.id,
        number: 1,
        parentNumber: null,
        authorId: ownerId,
        document,
        operations: [],
      });
      await tx
        .insert(projectMembers)
        .values({ projectId: project.id, accountId: ownerId, role: "producer" });
      for (const file of files) await nameFile(tx, project.id, ownerId, file);
      if (audit) await recordAudit(tx, audit(project));
      return project;
    });
  } catch (error) {
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      throw new ControlRoomError(
        "E_STORE_ACCOUNT_MISSING",
        `the owner ${ownerId} is not an account`,
        "owner",
      );
    }
    throw error;
  }
}

async function nameFile(
  tx: Transaction,
  projectId: string,
  addedBy: string,
  file: NewProjectFile,
): Promise<void> {
  await tx
    .insert(blobs)
    .values({ sha256: file.sha256, size: file.size, mediaType: file.mediaType })
    .onConflictDoNothing();
  if (file.audio) {
    const { codec, sampleRate, channels, frames } = file.audio;
    await tx
      .insert(blobAudio)
      .values({ sha256: file.sha256, codec, sampleRate, channels, frames })
      .onConflictDoNothing();
  }
  await tx
    .insert(projectFiles)
    .values({ projectId, name: file.name, sha256: file.sha256, addedBy });
}

export async function findProject(
  db: StoreDatabase,
  projectId: string,
): Promise<ProjectRecord | undefined> {
  const [row] = await db
    .select()
    .from(projects)
    .where(eq(projects.id, checkId(projectId, "projectId")));
  return row;
}

/** A project in a member's list. */
export interface ListedProject {
  id: string;
  title: string;
  currentRevision: number;
  role: Role;
  archivedAt: Date | null;
}

/** The projects an account is on: the active ones, or the archived ones. */
export async function listMemberProjects(
  db: StoreDatabase,
  accountId: string,
  which: "active" | "archived",
): Promise<ListedProject[]> {
  return db
    .select({
      id: projects.id,
      title: projects.title,
      currentRevision: projects.currentRevision,
      role: projectMembers.role,
      archivedAt: projects.archivedAt,
    })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(
      and(
        eq(projectMembers.accountId, checkId(accountId, "accountId")),
        which === "archived" ? isNotNull(projects.archivedAt) : isNull(projects.archivedAt),
      ),
    )
    .orderBy(asc(projects.title), asc(projects.id));
}

/**
 * Archives a project (at `now`) or brings it back (`null`), with the audit entry in the same
 * transaction. Archiving an archived project keeps its first date. Returns the project.
 */
export async function setProjectArchived(
  db: StoreDatabase,
  projectId: string,
  now: Date | null,
  audit?: (project: ProjectRecord) => AuditRecord,
): Promise<ProjectRecord> {
  checkId(projectId, "projectId");
  return db.transaction(async (tx) => {
    const [held] = await tx.select().from(projects).where(eq(projects.id, projectId)).for("update");
    if (!held) {
      throw new ControlRoomError(
        "E_STORE_PROJECT_MISSING",
        `there is no project ${projectId}`,
        "projectId",
      );
    }
    if ((held.archivedAt === null) === (now === null)) return held;
    const [project] = await tx
      .update(projects)
      .set({ archivedAt: now })
      .where(eq(projects.id, projectId))
      .returning();
    if (audit) await recordAudit(tx, audit(project));
    return project;
  });
}

/** E_PROJECT_ARCHIVED: an archived project is read, not changed, until it is unarchived. */
export function projectArchived(projectId: string, what: string): ControlRoomError {
  return new ControlRoomError(
    "E_PROJECT_ARCHIVED",
    `project ${projectId} is archived: it takes no ${what}; unarchive it first (POST /api/projects/${projectId}/unarchive)`,
    "projectId",
  );
}
