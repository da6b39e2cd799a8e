import { createReadStream } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ControlRoomError, isControlRoomError } from "../../music/errors.ts";
import { checkFileName, checkQuota, fileExists, isJobResultName } from "../../store/files.ts";
import { auditOf } from "../audit.ts";
import type { AuthContext } from "../auth.ts";
import { caller } from "../route-access.ts";
import {
  checkUploadedAudio,
  limitUpload,
  namesAudio,
  sniffUpload,
  spoolUpload,
  uploadTooLarge,
} from "../uploads.ts";

const Params = z.strictObject({ projectId: z.string() });
/** The file's name is the rest of the path: `/files/audio/vocals.wav`. */
const FileParams = z.strictObject({ projectId: z.string(), "*": z.string() });

const AudioFacts = z.object({
  codec: z.string(),
  sampleRate: z.number(),
  channels: z.number(),
  frames: z.number(),
  durationSeconds: z.number(),
});

const ProjectFile = z.object({
  name: z.string(),
  sha256: z.string(),
  size: z.number(),
  mediaType: z.string(),
  /** What the file holds as audio, null when it is not audio. */
  audio: AudioFacts.nullable(),
});

const SHA256_HEADER = "x-content-sha256";

/**
 * A project's files: list, download, upload and delete. An upload is the file's raw bytes as
 * the request body (no multipart: takes are large), streamed into a temporary file and
 * checked there against the upload limit, its name, its kind (audio/ must be audio, whole and
 * readable), its SHA-256 when the client sends one, the names already taken and the
 * project's quota; only then does it go to the blob store. Files are facts: a name never
 * changes bytes, job results are written by jobs only, and a file a revision plays stays.
 */
export function fileRoutes(
  app: FastifyInstance,
  context: AuthContext,
  options: { uploadLimit: number; projectQuota: number },
): void {
  app.register(async (scope) => {
    // In this scope every body stays a stream for the upload route to read as it goes; the
    // JSON limit does not apply, the upload limit does.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    const route = scope.withTypeProvider<ZodTypeProvider>();

    route.get(
      "/api/projects/:projectId/files",
      {
        config: { access: { project: "files.read" } },
        schema: {
          summary: "List the files",
          description: "The project's files: name, SHA-256, size and type.",
          params: Params,
          response: {
            200: z.object({
              files: z.array(ProjectFile.extend({ updatedAt: z.string() })),
            }),
          },
        },
      },
      async (request) => {
        const { projectId } = request.params;
        const files = await context.store.listFiles(projectId);
        return {
          files: files.map((file) => ({ ...file, updatedAt: file.updatedAt.toISOString() })),
        };
      },
    );

    route.get(
      "/api/projects/:projectId/files/*",
      {
        config: { access: { project: "files.read" } },
        schema: {
          summary: "Download a file",
          description: "Downloads a file, streamed from the blob store, with its type and length.",
          params: FileParams,
        },
      },
      async (request, reply) => {
        const { projectId, "*": name } = request.params;
        checkFileName(name);
        const file = await context.store.findFile(projectId, name);
        if (!file) {
          throw new ControlRoomError(
            "E_NOT_FOUND",
            `there is no file ${name} in this project`,
            name,
          );
        }
        const bytes = await context.store.blobs.get(file.sha256);
        const base = name.slice(name.lastIndexOf("/") + 1);
        return (
          reply
            .header("content-type", file.mediaType)
            .header("content-length", String(file.size))
            .header("etag", `"${file.sha256}"`)
            // Uploads are served back to other members: never rendered as a page of ours.
            .header(
              "content-disposition",
              `attachment; filename*=UTF-8''${encodeURIComponent(base)}`,
            )
            .header("x-content-type-options", "nosniff")
            .header("content-security-policy", "sandbox")
            .send(ReadableStream.from(bytes))
        );
      },
    );

    route.put(
      "/api/projects/:projectId/files/*",
      {
        config: { access: { project: "files.upload-take", unlessArchived: "uploads" } },
        schema: {
          summary: "Upload a file",
          description: `Uploads a file: the request body is its bytes. With ${SHA256_HEADER} (hex) the bytes must hash to it. A name under audio/ or with an audio extension must be WAV, FLAC, MP3, Ogg or AIFF by its bytes (415 otherwise). Over the upload limit: 413, nothing kept.`,
          params: FileParams,
          headers: z.looseObject({
            [SHA256_HEADER]: z
              .string()
              .regex(/^[0-9a-fA-F]{64}$/, "must be a SHA-256 in 64 hex digits")
              .optional(),
          }),
          response: { 200: z.object({ ok: z.literal(true), file: ProjectFile }) },
        },
      },
      async (request, reply) => {
        const { projectId, "*": name } = request.params;
        const signedIn = caller(request);
        checkFileName(name);
        const limit = options.uploadLimit;
        try {
          if (isJobResultName(name)) {
            throw new ControlRoomError(
              "E_FILE_READ_ONLY",
              `${name}: names under jobs/ are the results of jobs, which only jobs write; upload under another name`,
              name,
            );
          }
          if (Number(request.headers["content-length"]) > limit) throw uploadTooLarge(name, limit);
          const body = (request.body ?? []) as AsyncIterable<Uint8Array>;
          const upload = await sniffUpload(name, limitUpload(body, limit, name));
          const spooled = await spoolUpload(
            name,
            upload.content,
            request.headers[SHA256_HEADER]?.toLowerCase(),
          );
          try {
            const blob = { sha256: spooled.sha256, size: spooled.size };
            const held = await context.store.findFile(projectId, name);
            if (held) {
              // The same bytes again change nothing: a client may retry an upload safely.
              if (held.sha256 !== blob.sha256) throw fileExists(name);
              const { updatedAt: _, ...file } = held;
              return { ok: true as const, file };
            }
            await checkQuota(context.store.db, projectId, name, blob, options.projectQuota);
            const audio = namesAudio(name) ? await checkUploadedAudio(name, spooled.path) : null;
            await context.store.putFile(projectId, name, createReadStream(spooled.path), {
              mediaType: upload.mediaType,
              expectedSha256: blob.sha256,
              addedBy: signedIn.account.id,
              audio: audio ?? undefined,
              quotaBytes: options.projectQuota,
              audit: (stored) =>
                auditOf(request, context, {
                  actorId: signedIn.account.id,
                  projectId,
                  event: "file.uploaded",
                  subject: `file:${name}`,
                  detail: { name, ...stored, mediaType: upload.mediaType },
                }),
            });
            return {
              ok: true as const,
              file: { name, ...blob, mediaType: upload.mediaType, audio },
            };
          } finally {
            await spooled.dispose();
          }
        } catch (error) {
          // The rest of a refused body is not wanted: close the connection rather than read it.
          reply.header("connection", "close");
          if (isControlRoomError(error) && error.code === "E_BLOB_HASH_MISMATCH") {
            throw new ControlRoomError(
              error.code,
              `${name}: ${error.message} (${SHA256_HEADER})`,
              SHA256_HEADER,
            );
          }
          throw error;
        }
      },
    );

    route.delete(
      "/api/projects/:projectId/files/*",
      {
        config: {
          access: { project: "recording.manage", unlessArchived: "deletions of its files" },
        },
        schema: {
          summary: "Delete a file",
          description:
            "Removes a file nothing refers to. A file any revision plays (409 naming the revision), a job's input (409 naming the job) or a job's result (409) stays: every revision renders the same forever.",
          params: FileParams,
          response: { 200: z.object({ ok: z.literal(true), file: ProjectFile }) },
        },
      },
      async (request) => {
        const { projectId, "*": name } = request.params;
        const signedIn = caller(request);
        checkFileName(name);
        const { updatedAt: _, ...file } = await context.store.deleteFile(
          projectId,
          name,
          (deleted) =>
            auditOf(request, context, {
              actorId: signedIn.account.id,
              projectId,
              event: "file.deleted",
              subject: `file:${name}`,
              detail: { name, sha256: deleted.sha256, size: deleted.size },
            }),
        );
        return { ok: true as const, file };
      },
    );
  });
}
