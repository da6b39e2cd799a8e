import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { roleSchema } from "../../accounts/roles.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { emptyProject } from "../../music/project.ts";
import type { NewProjectFile } from "../../store/projects.ts";
import { auditOf } from "../audit.ts";
import type { AuthContext } from "../auth.ts";
import {
  IMPORT_FORMATS,
  type ImportedProject,
  importFolder,
  importProjectFile,
  uploadName,
} from "../project-import.ts";
import { caller } from "../route-access.ts";
import { limitUpload, spoolUpload, uploadTooLarge } from "../uploads.ts";

/** An imported project is read whole into memory once (a DAWproject is a ZIP): 1 GiB at most. */
export const IMPORT_LIMIT = 1024 ** 3;

/** A JSON body here is a title; anything longer is not one. */
const JSON_LIMIT = 64 * 1024;

const Title = z.string().trim().min(1, "must not be empty").max(200);

const Query = z.strictObject({
  from: z.enum(IMPORT_FORMATS).optional(),
  title: Title.optional(),
});

const CreateEmpty = z.strictObject({ title: Title });

const CreatedProject = z.object({
  id: z.string(),
  title: z.string(),
  currentRevision: z.number(),
  role: roleSchema,
  archived: z.boolean(),
});

const ImportReport = z.object({
  format: z.enum(IMPORT_FORMATS),
  application: z.string().nullable(),
  tracks: z.number(),
  audioClips: z.number(),
  noteClips: z.number(),
  notes: z.number(),
  sections: z.number(),
  tempoChanges: z.number(),
  files: z.array(z.string()),
  mapped: z.array(z.string()),
  kept: z.array(z.string()),
  warnings: z.array(z.string()),
});

/**
 * Creating a project: an empty one from a title (JSON), or one imported from a file whose raw
 * bytes are the body (`?from=dawproject|midi|folder`). Like uploads, the body stays a stream
 * here, spooled to a temporary file under the import limit and read by the importers the CLI
 * uses; the project, its first revision, its producer and its files are stored together.
 */
export function projectImportRoutes(
  app: FastifyInstance,
  context: AuthContext,
  options: { importLimit: number; projectQuota: number },
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    const route = scope.withTypeProvider<ZodTypeProvider>();

    route.post(
      "/api/projects",
      {
        config: { access: "signed-in" },
        validatorCompiler: (part) =>
          part.httpPart === "body"
            ? (body: unknown) => ({ value: body })
            : validatorCompiler(part as unknown as Parameters<typeof validatorCompiler>[0]),
        schema: {
          summary: "Create a project",
          description: `Without \`from\`: a JSON body \`{"title": "…"}\` makes an empty project. With \`from=dawproject\` (a .dawproject file), \`from=midi\` (a Standard MIDI File) or \`from=folder\` (a ZIP of a project folder: project.json and the files it plays, as the CLI keeps it), the body is the file's bytes and the project is imported from it; \`title\` names it (else the document's song title). The creator is its producer. A file the importer refuses is a 4xx naming what is wrong (413 past the import limit of ${IMPORT_LIMIT} bytes or the project quota), and nothing is kept. The answer has the project and, for an import, what was brought in, mapped, kept and warned about.`,
          querystring: Query,
          // Documents the JSON form for clients; the body is read as a stream below (an
          // import's bytes are no JSON), so it is checked there, not by the validator.
          body: CreateEmpty,
          response: {
            201: z.object({
              ok: z.literal(true),
              project: CreatedProject,
              import: ImportReport.nullable(),
            }),
          },
        },
      },
      async (request, reply) => {
        const { from, title } = request.query;
        const signedIn = caller(request);
        const body = (request.body ?? []) as unknown as AsyncIterable<Uint8Array>;
        let document: unknown;
        let imported: ImportedProject | null = null;
        let files: NewProjectFile[] = [];
        let chosenTitle: string;
        const cleanup: (() => Promise<void>)[] = [];
        try {
          if (from === undefined) {
            const asked = CreateEmpty.safeParse(await readJson(body));
            if (!asked.success) {
              const issue = asked.error.issues[0];
              throw new ControlRoomError(
                "E_REQUEST_INVALID",
                `body/${issue.path.join("/")} ${issue.message}; send {"title": "…"}, or the file to import with ?from=dawproject|midi|folder`,
                issue.path.join(".") || "body",
              );
            }
            chosenTitle = title ?? asked.data.title;
            document = emptyProject({ title: chosenTitle });
          } else {
            const limit = options.importLimit;
            const name = uploadName(from, title);
            if (Number(request.headers["content-length"]) > limit) {
              throw uploadTooLarge(name, limit);
            }
            const spooled = await spoolUpload(name, limitUpload(body, limit, name));
            cleanup.push(spooled.dispose);
            const work = await importFolder();
            cleanup.push(work.dispose);
            imported = await importProjectFile(from, spooled.path, work.dir);
            files = await storeBlobs(context, imported, options.projectQuota);
            document = imported.document;
            chosenTitle = title ?? (imported.document.song.title.trim() || "Imported project");
          }
          const project = await context.store.createProjectWithFiles(
            { title: chosenTitle, owner: signedIn.account.id, document },
            files,
            (made) =>
              auditOf(request, context, {
                actorId: signedIn.account.id,
                projectId: made.id,
                event: "project.created",
                subject: `project:${made.id}`,
                detail: {
                  title: made.title,
                  from: from ?? "empty",
                  files: files.length,
                  bytes: files.reduce((n, f) => n + f.size, 0),
                },
              }),
          );
          return reply.status(201).send({
            ok: true as const,
            project: {
              id: project.id,
              title: project.title,
              currentRevision: project.currentRevision,
              role: "producer" as const,
              archived: false,
            },
            import: imported?.report ?? null,
          });
        } catch (error) {
          // The rest of a refused body is not wanted: close the connection rather than read it.
          reply.header("connection", "close");
          throw error;
        } finally {
          for (const dispose of cleanup.reverse()) await dispose();
        }
      },
    );
  });
}

/** Reads a small JSON body; anything else is E_REQUEST_INVALID. */
async function readJson(body: AsyncIterable<Uint8Array>): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > JSON_LIMIT) {
      throw new ControlRoomError(
        "E_REQUEST_INVALID",
        `a project's title is sent as a small JSON body (at most ${JSON_LIMIT} bytes); to import a file, add ?from=dawproject|midi|folder`,
        "body",
      );
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlRoomError(
      "E_REQUEST_INVALID",
      `the body is not JSON; send {"title": "…"}, or the file to import with ?from=dawproject|midi|folder`,
      "body",
    );
  }
}

/**
 * The imported files into the blob store, checked against the project quota first. A refusal
 * after this point leaves blobs nothing names, as a crash during an upload would.
 */
async function storeBlobs(
  context: AuthContext,
  imported: ImportedProject,
  quota: number,
): Promise<NewProjectFile[]> {
  let total = 0;
  for (const file of imported.files) total += (await stat(file.path)).size;
  if (total > quota) {
    throw new ControlRoomError(
      "E_QUOTA_EXCEEDED",
      `the imported project's files take ${total} bytes, more than a project may hold (${quota} bytes); nothing was kept`,
      "body",
    );
  }
  const stored: NewProjectFile[] = [];
  for (const file of imported.files) {
    const blob = await context.store.blobs.put(createReadStream(file.path));
    stored.push({
      name: file.name,
      sha256: blob.sha256,
      size: blob.size,
      mediaType: file.mediaType,
      ...(file.audio ? { audio: file.audio } : {}),
    });
  }
  return stored;
}
