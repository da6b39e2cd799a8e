import { eq } from "drizzle-orm";
import { ControlRoomError } from "../music/errors.ts";
import { parseProject } from "../music/validate.ts";
import { FOREIGN_KEY_VIOLATION, type StoreDatabase, sqlState } from "./database.ts";
import { checkId } from "./ids.ts";
import { projectMembers, projects, revisions } from "./schema.ts";

export interface ProjectRecord {
  id: string;
  title: string;
  ownerId: string;
  createdAt: Date;
  currentRevision: number;
}

export interface NewProject {
  title: string;
  owner: string;
  /** Revision 1. */
  document: unknown;
}

/**
 * Creates a project with its first revision, and its owner as its producer, in one
 * transaction. Returns the project, at revision 1.
 */
export async function createProject(db: StoreDatabase, input: NewProject): Promise<ProjectRecord> {
  const ownerId = checkId(input.owner, "owner");
  const title = input.title.trim();
  if (title.length === 0) {
    throw new ControlRoomError("E_STORE_TITLE", "the project title is empty", "title");
  }
  const document = parseProject(input.document, "document");
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
