import { Buffer } from "node:buffer";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ControlRoomError } from "../../music/errors.ts";
import { checkFileName } from "../../store/files.ts";
import type { AuthContext } from "../auth.ts";
import { PEAK_LEVELS, type PeakLevel, PeaksCache } from "../peaks.ts";

const PeaksParams = z.strictObject({ projectId: z.string(), "*": z.string() });
const PeaksQuery = z.strictObject({
  samplesPerPixel: z.coerce
    .number()
    .refine((n) => (PEAK_LEVELS as readonly number[]).includes(n), {
      message: `must be one of ${PEAK_LEVELS.join(", ")}`,
    })
    .optional(),
});

/**
 * Waveform peaks of a project's audio file, for the arrangement: the BBC audiowaveform
 * binary format (version 2, 16-bit), measured once per stored file and level and kept.
 */
export function peaksRoutes(app: FastifyInstance, context: AuthContext): void {
  const cache = new PeaksCache(context.store.blobs);
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/projects/:projectId/peaks/*",
    {
      config: { access: { project: "files.read" } },
      schema: {
        summary: "Waveform peaks of an audio file",
        description: `The minimum and maximum of every \`samplesPerPixel\` source frames per channel (${PEAK_LEVELS.join(", ")}; ${PEAK_LEVELS[0]} by default), as a BBC audiowaveform .dat file (version 2, 16-bit values), which waveform-data reads. Measured once per stored file and kept; WAV files only (E_PEAKS_UNSUPPORTED, 400, otherwise). The ETag names the file's bytes and the level.`,
        params: PeaksParams,
        querystring: PeaksQuery,
      },
    },
    async (request, reply) => {
      const { projectId, "*": name } = request.params;
      const level = (request.query.samplesPerPixel ?? PEAK_LEVELS[0]) as PeakLevel;
      checkFileName(name);
      const file = await context.store.findFile(projectId, name);
      if (!file) {
        throw new ControlRoomError("E_NOT_FOUND", `there is no file ${name} in this project`, name);
      }
      const etag = `"${file.sha256}-${level}"`;
      reply.header("etag", etag).header("cache-control", "private, no-cache");
      if (request.headers["if-none-match"] === etag) return reply.code(304).send();
      const dat = await cache.peaks(file.sha256, name, level);
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-length", String(dat.byteLength))
        .send(Buffer.from(dat.buffer, dat.byteOffset, dat.byteLength));
    },
  );
}
