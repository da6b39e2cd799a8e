import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AuthContext } from "../auth.ts";

const Entry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  event: z.string(),
  subject: z.string().nullable(),
  outcome: z.string(),
  address: z.string().nullable(),
  detail: z.unknown(),
});

/** The project's audit log, for the producer: who changed what, newest first. */
export function auditRoutes(app: FastifyInstance, context: AuthContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/projects/:projectId/audit",
    {
      config: { access: { project: "audit.read" } },
      schema: {
        summary: "Read the audit log",
        description:
          "Who changed what in the project, newest first; `before` (an entry's id) pages further back.",
        params: z.strictObject({ projectId: z.string() }),
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().min(1).optional(),
        }),
        response: {
          200: z.object({ entries: z.array(Entry), before: z.number().nullable() }),
        },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const { limit, before } = request.query;
      const entries = await context.store.listAudit(projectId, { limit, before });
      return {
        entries: entries.map(({ projectId: _, ...entry }) => ({
          ...entry,
          at: entry.at.toISOString(),
        })),
        // Where the next page starts, or null when this one reached the first entry.
        before: entries.length === limit ? entries[entries.length - 1].id : null,
      };
    },
  );
}
