import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { roleSchema } from "../../accounts/roles.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { applyOperation, Operation } from "../../music/operations.ts";
import { parseProject } from "../../music/validate.ts";
import { RevisionConflictError } from "../../store/revisions.ts";
import { auditOf } from "../audit.ts";
import type { AuthContext } from "../auth.ts";
import { serveFeed } from "../feed.ts";
import { FEED_CLOSE_CODES } from "../feed-messages.ts";
import { actionsFor } from "../operation-actions.ts";
import { requireActions } from "../project-access.ts";
import { caller, callerRole } from "../route-access.ts";
import { checkSavedSources } from "../source-check.ts";

const Params = z.strictObject({ projectId: z.string() });

/** A project as its members see it. */
const ProjectSummary = z.object({
  id: z.string(),
  title: z.string(),
  currentRevision: z.number(),
  role: roleSchema,
  /** True while the project is archived: readable, out of the default list, takes no saves. */
  archived: z.boolean(),
});

const Saved = z.object({ ok: z.literal(true), revision: z.number() });
const RevisionParams = z.strictObject({
  projectId: z.string(),
  number: z.coerce.number().int().min(1),
});

/**
 * A save or a restore on a stale base: 409, naming the revision to load and build on. An
 * archived project's refusal (E_PROJECT_ARCHIVED) is a 409 too, without a revision to load.
 */
const Conflict = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), subject: z.string().optional() }),
  currentRevision: z.number().optional(),
});

function conflict(reply: FastifyReply, error: unknown) {
  if (!(error instanceof RevisionConflictError)) throw error;
  return reply.status(409).send({
    ok: false as const,
    error: { code: error.code, message: error.message, subject: String(error.currentRevision) },
    currentRevision: error.currentRevision,
  });
}

/** Projects and their revisions: read what your role may read, save what it may change. */
export function projectRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();

  route.get(
    "/api/projects",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "List your projects",
        description:
          "The projects you are on, with your role on each: the active ones, or with `archived=true` the archived ones.",
        querystring: z.strictObject({ archived: z.enum(["true", "false"]).optional() }),
        response: { 200: z.object({ projects: z.array(ProjectSummary) }) },
      },
    },
    async (request) => {
      const which = request.query.archived === "true" ? "archived" : "active";
      const listed = await context.store.listMemberProjects(caller(request).account.id, which);
      return {
        projects: listed.map(({ archivedAt, ...project }) => ({
          ...project,
          archived: archivedAt !== null,
        })),
      };
    },
  );

  route.get(
    "/api/projects/:projectId",
    {
      config: { access: { project: "project.read" } },
      schema: {
        summary: "Read a project",
        description:
          "A project, its current revision, whether it is archived and your role on it; with `include=document`, the current revision's document too, so one call opens the project.",
        params: Params,
        querystring: z.strictObject({ include: z.literal("document").optional() }),
        response: {
          200: ProjectSummary.extend({
            archivedAt: z.string().nullable(),
            /** The current revision's document, with `include=document`. */
            document: z.record(z.string(), z.unknown()).optional(),
          }),
        },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const role = callerRole(request);
      const project = await context.store.findProject(projectId);
      if (!project)
        throw new ControlRoomError("E_NOT_FOUND", `there is no project ${projectId}`, projectId);
      // The revision the project names, not "the current one" read again: a save between the
      // two reads must not pair one revision's number with another's document.
      const document =
        request.query.include === "document"
          ? (await context.store.loadRevision(projectId, project.currentRevision)).document
          : undefined;
      return {
        id: project.id,
        title: project.title,
        currentRevision: project.currentRevision,
        role,
        archived: project.archivedAt !== null,
        archivedAt: project.archivedAt?.toISOString() ?? null,
        ...(document ? { document } : {}),
      };
    },
  );

  route.get(
    "/api/projects/:projectId/feed",
    {
      websocket: true,
      config: { access: { project: "project.read" } },
      schema: {
        summary: "Follow the project's changes (WebSocket)",
        description:
          "A WebSocket: every save of the project as it is committed, and its jobs' progress, as JSON text messages (`FeedMessage`: `FeedSubscribed` first, then `FeedRevision`, `FeedJob` and `FeedProduction` for the team, bookings, budget, decisions and tasks). A refused or ended feed closes with 4000 + the HTTP status: " +
          Object.entries(FEED_CLOSE_CODES)
            .map(([code, why]) => `${code} ${why}`)
            .join("; ") +
          ".",
        "x-websocket": {
          messages: { $ref: "#/components/schemas/FeedMessage" },
          closeCodes: FEED_CLOSE_CODES,
        },
        params: Params,
      },
    },
    (socket, request) =>
      serveFeed(socket, request, context, (request.params as { projectId: string }).projectId),
  );

  route.get(
    "/api/projects/:projectId/revisions",
    {
      config: { access: { project: "revisions.read" } },
      schema: {
        summary: "List the revisions",
        description:
          "Every saved revision, newest first: who saved it (their id and display name), when, on which revision, how many operations it holds, and what it restored.",
        params: Params,
        response: {
          200: z.object({
            revisions: z.array(
              z.object({
                number: z.number(),
                parent: z.number().nullable(),
                authorId: z.string(),
                /** The author's display name as it reads now. */
                authorName: z.string(),
                createdAt: z.string(),
                operationCount: z.number(),
                restoredFrom: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const revisions = await context.store.listRevisions(projectId, "newest first");
      return {
        revisions: revisions.map(({ projectId: _, ...revision }) => ({
          ...revision,
          createdAt: revision.createdAt.toISOString(),
        })),
      };
    },
  );

  route.get(
    "/api/projects/:projectId/revisions/:number",
    {
      config: { access: { project: "revisions.read" } },
      schema: {
        summary: "Read a revision",
        description: "The document as a revision saved it.",
        params: RevisionParams,
      },
    },
    async (request) => {
      const { projectId, number } = request.params;
      const revision = await context.store.loadRevision(projectId, number);
      return {
        number: revision.number,
        parent: revision.parent,
        createdAt: revision.createdAt,
        document: revision.document,
      };
    },
  );

  route.post(
    "/api/projects/:projectId/revisions",
    {
      config: { access: { project: "project.read", perOperation: true } },
      schema: {
        summary: "Save operations as a new revision",
        description:
          "Saves operations on top of baseRevision. 409 when another save came first: the body names the current revision.",
        params: Params,
        body: z.strictObject({
          baseRevision: z.number().int().min(1),
          operations: z.array(Operation).min(1).max(10_000),
        }),
        response: { 200: z.object({ ok: z.literal(true), revision: z.number() }), 409: Conflict },
      },
    },
    async (request, reply) => {
      const { projectId } = request.params;
      const { baseRevision, operations } = request.body;
      requireActions(request, callerRole(request), actionsFor(operations));
      const signedIn = caller(request);
      const base = await context.store.loadRevision(projectId, baseRevision);
      let document = base.document;
      for (const operation of operations) document = applyOperation(document, operation).project;
      await checkSavedSources(context.store, projectId, base.document, document);
      try {
        const revision = await context.store.saveRevision(
          projectId,
          { baseRevision, author: signedIn.account.id, document, operations },
          (number) =>
            auditOf(request, context, {
              actorId: signedIn.account.id,
              projectId,
              event: "revision.saved",
              subject: `revision:${number}`,
              detail: {
                baseRevision,
                operations: operations.length,
                types: [...new Set(operations.map((operation) => operation.type))],
              },
            }),
        );
        context.feed?.publish({
          type: "revision",
          projectId,
          revision,
          author: signedIn.account.id,
          operations: operations.length,
        });
        return { ok: true as const, revision };
      } catch (error) {
        return conflict(reply, error);
      }
    },
  );

  route.post(
    "/api/projects/:projectId/revisions/:number/restore",
    {
      config: { access: { project: "revisions.restore" } },
      schema: {
        summary: "Restore an earlier revision",
        description:
          "Makes revision `number` current again by saving its document as a new revision on top of baseRevision; the revisions in between stay. 409 when baseRevision is not the current one.",
        params: RevisionParams,
        body: z.strictObject({ baseRevision: z.number().int().min(1) }),
        response: { 200: z.object({ ok: z.literal(true), revision: z.number() }), 409: Conflict },
      },
    },
    async (request, reply) => {
      const { projectId, number } = request.params;
      const { baseRevision } = request.body;
      const signedIn = caller(request);
      try {
        const revision = await context.store.restoreRevision(
          projectId,
          number,
          signedIn.account.id,
          baseRevision,
          (made) =>
            auditOf(request, context, {
              actorId: signedIn.account.id,
              projectId,
              event: "revision.restored",
              subject: `revision:${made}`,
              detail: { restoredFrom: number, baseRevision },
            }),
        );
        context.feed?.publish({
          type: "revision",
          projectId,
          revision,
          author: signedIn.account.id,
          operations: 0,
          restoredFrom: number,
        });
        return { ok: true as const, revision };
      } catch (error) {
        return conflict(reply, error);
      }
    },
  );

  for (const [verb, archive] of [
    ["archive", true],
    ["unarchive", false],
  ] as const) {
    route.post(
      `/api/projects/:projectId/${verb}`,
      {
        config: { access: { project: "project.delete" } },
        schema: {
          summary: archive ? "Archive the project" : "Unarchive the project",
          description: archive
            ? "Archives the project: it leaves its members' project list (GET /api/projects?archived=true shows it), stays readable and downloadable, and takes no new revisions (saves, restores and pushed documents are 409 E_PROJECT_ARCHIVED) until it is unarchived. Archiving an archived project changes nothing."
            : "Brings an archived project back to its members' project list and lets it take revisions again. Unarchiving an active project changes nothing.",
          params: Params,
          response: {
            200: z.object({
              ok: z.literal(true),
              project: ProjectSummary.extend({ archivedAt: z.string().nullable() }),
            }),
          },
        },
      },
      async (request) => {
        const { projectId } = request.params;
        const signedIn = caller(request);
        const project = await context.store.setProjectArchived(
          projectId,
          archive ? (context.now?.() ?? new Date()) : null,
          (changed) =>
            auditOf(request, context, {
              actorId: signedIn.account.id,
              projectId,
              event: archive ? "project.archived" : "project.unarchived",
              subject: `project:${projectId}`,
              detail: { title: changed.title, revision: changed.currentRevision },
            }),
        );
        return {
          ok: true as const,
          project: {
            id: project.id,
            title: project.title,
            currentRevision: project.currentRevision,
            role: callerRole(request),
            archived: project.archivedAt !== null,
            archivedAt: project.archivedAt?.toISOString() ?? null,
          },
        };
      },
    );
  }

  route.put(
    "/api/projects/:projectId/document",
    {
      // Replacing the whole document may change anything a save could, as a restore does.
      config: { access: { project: "revisions.restore" } },
      schema: {
        summary: "Save a whole document as a new revision",
        description:
          "Makes `document` the project's next revision on top of baseRevision, as `controlroom push` does with a project folder edited offline: the revision records no operations, since the edits were made elsewhere. Its sources are checked against the project's files like a save's (upload missing files first, by name). 409 when another save came first.",
        params: Params,
        body: z.strictObject({
          baseRevision: z.number().int().min(1),
          document: z.record(z.string(), z.unknown()),
        }),
        response: { 200: Saved, 409: Conflict },
      },
    },
    async (request, reply) => {
      const { projectId } = request.params;
      const { baseRevision } = request.body;
      const signedIn = caller(request);
      const document = parseProject(request.body.document, "document");
      const base = await context.store.loadRevision(projectId, baseRevision);
      await checkSavedSources(context.store, projectId, base.document, document);
      try {
        const revision = await context.store.saveRevision(
          projectId,
          { baseRevision, author: signedIn.account.id, document, operations: [] },
          (number) =>
            auditOf(request, context, {
              actorId: signedIn.account.id,
              projectId,
              event: "revision.replaced",
              subject: `revision:${number}`,
              detail: { baseRevision, tracks: document.tracks.length },
            }),
        );
        context.feed?.publish({
          type: "revision",
          projectId,
          revision,
          author: signedIn.account.id,
          operations: 0,
        });
        return { ok: true as const, revision };
      } catch (error) {
        return conflict(reply, error);
      }
    },
  );
}
