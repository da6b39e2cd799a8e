import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import { LOG_REDACT_PATHS } from "../accounts/redact.ts";
import type { JobQueue } from "../jobs/node/job-queue.ts";
import { isControlRoomError } from "../music/errors.ts";
import { DEFAULT_PROJECT_QUOTA_BYTES } from "../store/files.ts";
import type { AuthContext } from "./auth.ts";
import { type ErrorBody, errorBody, statusFor } from "./http-errors.ts";
import { ErrorResponse } from "./openapi-schemas.ts";
import type { TrustProxy } from "./proxy-settings.ts";
import { describeAccess, installAccessCheck } from "./route-access.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { auditRoutes } from "./routes/audit.ts";
import { fileRoutes } from "./routes/files.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { memberRoutes } from "./routes/members.ts";
import { peaksRoutes } from "./routes/peaks.ts";
import { productionRoutes } from "./routes/production/index.ts";
import { projectExportRoutes } from "./routes/project-export.ts";
import { IMPORT_LIMIT, projectImportRoutes } from "./routes/project-import.ts";
import { projectRoutes } from "./routes/projects.ts";
import { sessionRoutes } from "./routes/session.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { installSecurityHeaders } from "./security-headers.ts";
import { UPLOAD_LIMIT } from "./uploads.ts";

/** The built web studio (server/node/web-assets.ts): its files, and its page for app paths. */
export interface WebPages {
  register(app: FastifyInstance): Promise<void>;
  page(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined;
}

/** JSON bodies: a project document with thousands of notes fits; audio goes to uploads. */
export const JSON_BODY_LIMIT = 8 * 1024 * 1024;

export interface ServerOptions {
  /** The store and the CSRF secret: with them, the sign-in and project routes are served. */
  auth?: AuthContext;
  /** pino options, or false for none (tests). Secrets are always redacted. */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
  /** Largest file upload in bytes (413 past it); 2 GiB by default. */
  uploadLimit?: number;
  /** Bytes of distinct files a project may hold (413 past it); 10 GiB by default. */
  projectQuota?: number;
  /** Largest project file to import (DAWproject, MIDI, zipped folder), 413 past it; 1 GiB by default. */
  importLimit?: number;
  /** Which proxies to believe about the client's protocol and address (proxy-settings.ts). */
  trustProxy?: TrustProxy;
  /** Reports whether the database answers, for /ready. */
  ready?: () => Promise<boolean>;
  version?: string;
  /** The job queue: with it (and `auth`), the job routes are served. */
  jobs?: JobQueue;
  /** The built web studio, served at `/`; without it `/` is a page saying where the API is. */
  web?: WebPages;
}

/**
 * The studio's HTTP server: Fastify with zod-validated routes, an OpenAPI document at
 * /api/docs, health and readiness, and one error shape. Input the client got wrong is
 * always a 4xx with a message that names the field; a 500 means a bug of ours.
 */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const logger: FastifyServerOptions["logger"] =
    options.logger === false || options.logger === undefined
      ? false
      : {
          level: options.logger === true ? "info" : (options.logger.level ?? "info"),
          ...(options.logger !== true && options.logger.stream
            ? { stream: options.logger.stream }
            : {}),
          redact: { paths: [...LOG_REDACT_PATHS], censor: "[redacted]" },
        };
  const app = Fastify({
    logger,
    trustProxy: fastifyTrustProxy(options.trustProxy),
    bodyLimit: JSON_BODY_LIMIT,
    // Requests the router cannot even read (a malformed URL or header) get the same shape.
    frameworkErrors: (error, _request, reply) => {
      (reply as unknown as { status(code: number): { send(body: ErrorBody): void } })
        .status(400)
        .send(errorBody("E_REQUEST_INVALID", error.message));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installSecurityHeaders(app);

  app.setErrorHandler((error, request, reply) => {
    if (isControlRoomError(error)) {
      return reply
        .status(statusFor(error))
        .send(errorBody(error.code, error.message, error.subject));
    }
    const e = error as {
      statusCode?: number;
      code?: string;
      message: string;
      validation?: unknown;
    };
    if (e.validation) {
      return reply.status(400).send(errorBody("E_REQUEST_INVALID", e.message));
    }
    if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
      const code = e.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? "E_TOO_LARGE" : "E_REQUEST_INVALID";
      return reply.status(e.statusCode).send(errorBody(code, e.message));
    }
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send(errorBody("E_INTERNAL", "the server failed; this is a bug"));
  });
  app.setNotFoundHandler(
    (request, reply) =>
      options.web?.page(request, reply) ??
      reply
        .status(404)
        .send(errorBody("E_NOT_FOUND", `${request.method} ${request.url} is not a route`)),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Control Room",
        description: "The producer's plan and the engineer's session in one project.",
        version: options.version ?? "0.1.0",
      },
    },
    // Each operation shows the access its route declared, as the check enforces it.
    transform: (input) => {
      // Every route may refuse: its 4xx answers are documented as the one error shape.
      const response = { "4XX": ErrorResponse, ...(input.schema?.response as object) };
      // @fastify/websocket hides its routes; the feed is part of the API, so it is shown.
      const websocket = input.route.websocket === true;
      const transformed = jsonSchemaTransform({
        ...input,
        schema: input.schema && {
          ...input.schema,
          response,
          ...(websocket ? { hide: false } : {}),
        },
      });
      if (websocket) {
        (transformed.schema.response as Record<string, unknown>)["101"] = {
          description: "Switching Protocols: the feed is open; messages follow as JSON text.",
        };
      }
      const access = input.route.config?.access;
      if (access === undefined) return transformed;
      return {
        ...transformed,
        schema: {
          ...transformed.schema,
          "x-permission": describeAccess(access),
        } as typeof transformed.schema,
      };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  const Health = z.object({ ok: z.literal(true) });
  app.get("/health", { schema: { response: { 200: Health } } }, async () => ({
    ok: true as const,
  }));
  app.get(
    "/ready",
    {
      schema: {
        response: {
          200: z.object({ ok: z.literal(true), database: z.literal("ready") }),
          503: z.object({ ok: z.literal(false), database: z.literal("unavailable") }),
        },
      },
    },
    async (_request, reply) => {
      const ready = options.ready ? await options.ready().catch(() => false) : true;
      return ready
        ? { ok: true as const, database: "ready" as const }
        : reply.status(503).send({ ok: false as const, database: "unavailable" as const });
    },
  );
  if (options.auth) {
    installAccessCheck(app, options.auth);
    sessionRoutes(app, options.auth);
    tokenRoutes(app, options.auth);
    accountRoutes(app, options.auth);
    projectRoutes(app, options.auth);
    projectImportRoutes(app, options.auth, {
      importLimit: options.importLimit ?? IMPORT_LIMIT,
      projectQuota: options.projectQuota ?? DEFAULT_PROJECT_QUOTA_BYTES,
    });
    projectExportRoutes(app, options.auth);
    fileRoutes(app, options.auth, {
      uploadLimit: options.uploadLimit ?? UPLOAD_LIMIT,
      projectQuota: options.projectQuota ?? DEFAULT_PROJECT_QUOTA_BYTES,
    });
    peaksRoutes(app, options.auth);
    memberRoutes(app, options.auth);
    auditRoutes(app, options.auth);
    productionRoutes(app, options.auth);
    if (options.jobs) jobRoutes(app, options.auth, options.jobs);
  }
  if (options.web) {
    await options.web.register(app);
  } else {
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply.type("text/html; charset=utf-8").send(HOME),
    );
  }
  return app;
}

/** A number of proxies, as proxy-addr counts hops (the nearest is hop 0). */
function fastifyTrustProxy(
  trust: TrustProxy | undefined,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === undefined) return false;
  return typeof trust === "number" ? (_address, hop) => hop < trust : trust;
}

/** Until the studio's pages arrive: what is running, and where the API is described. */
const HOME = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Control Room</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem}</style>
</head><body>
<h1>Control Room</h1>
<p>The studio server is running. The studio's pages come next; meanwhile the API is
described at <a href="/api/docs">/api/docs</a>, and <a href="/health">/health</a> and
<a href="/ready">/ready</a> tell whether it is up.</p>
</body></html>
`;
