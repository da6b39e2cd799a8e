import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { auditOf } from "../audit.ts";
import type { AuthContext } from "../auth.ts";
import { EXPORT_FORMATS, exportProject } from "../project-export.ts";
import { caller } from "../route-access.ts";

/** Downloading a project whole, for another tool or for `controlroom pull`. */
export function projectExportRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();

  route.get(
    "/api/projects/:projectId/export",
    {
      // It hands out the project's audio: whoever may download its files may download it whole.
      config: { access: { project: "files.read" } },
      schema: {
        summary: "Download the project",
        description:
          "The project as a file: `format=dawproject` (a .dawproject for other DAWs; what DAWproject cannot carry is listed in the x-controlroom-lost header, URL-encoded, one sentence per line) or `format=folder` (a ZIP of the project folder the CLI keeps: project.json and every file it plays). The current revision, or `revision=N`. An archived project downloads too.",
        params: z.strictObject({ projectId: z.string() }),
        querystring: z.strictObject({
          format: z.enum(EXPORT_FORMATS),
          revision: z.coerce.number().int().min(1).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { projectId } = request.params;
      const { format, revision } = request.query;
      const signedIn = caller(request);
      const exported = await exportProject(context.store, projectId, format, revision);
      await context.store.recordAudit(
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "project.exported",
          subject: `revision:${exported.revision}`,
          detail: { format, revision: exported.revision, bytes: exported.bytes.byteLength },
        }),
      );
      return reply
        .header("content-type", "application/zip")
        .header("content-length", String(exported.bytes.byteLength))
        .header(
          "content-disposition",
          `attachment; filename*=UTF-8''${encodeURIComponent(exported.fileName)}`,
        )
        .header("x-controlroom-revision", String(exported.revision))
        .header("x-controlroom-lost", encodeURIComponent(exported.lost.join("\n")))
        .header("x-content-type-options", "nosniff")
        .send(
          Buffer.from(exported.bytes.buffer, exported.bytes.byteOffset, exported.bytes.byteLength),
        );
    },
  );
}
