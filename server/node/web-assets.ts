import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Where `npm run build:web` (and `npm start`) put the built web studio. */
export const WEB_DIST = path.join(import.meta.dirname, "..", "..", "web", "dist");

/** The built web studio, as the server mounts it. */
export interface WebApp {
  /** Serves the build's files at `/` (hashed assets cached for good, pages revalidated). */
  register(app: FastifyInstance): Promise<void>;
  /**
   * Answers an address no route knows with the app's page when it is one of the app's
   * own (not under /api, no file extension), so a reload or a shared link opens the app.
   */
  page(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined;
}

/** The web studio built in `dist`, or undefined when there is no build. */
export function builtWebApp(dist: string = WEB_DIST): WebApp | undefined {
  if (!existsSync(path.join(dist, "index.html"))) return undefined;
  return {
    async register(app) {
      // @fastify/static resolves every path inside `root` and refuses what climbs out of it.
      await app.register(fastifyStatic, {
        root: dist,
        prefix: "/",
        wildcard: true,
        index: ["index.html"],
        cacheControl: false,
        setHeaders(reply, file) {
          reply.header(
            "cache-control",
            file.includes(`${path.sep}assets${path.sep}`)
              ? "public, max-age=31536000, immutable"
              : "no-cache",
          );
        },
      });
    },
    page(request, reply) {
      if (request.method !== "GET" && request.method !== "HEAD") return undefined;
      const pathname = request.url.split("?")[0];
      if (pathname.startsWith("/api/") || pathname === "/api") return undefined;
      if (/\.[A-Za-z0-9]+$/.test(pathname)) return undefined;
      return reply.header("cache-control", "no-cache").sendFile("index.html", dist);
    },
  };
}
