import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import type { Action, Role } from "../accounts/roles.ts";
import { ControlRoomError } from "../music/errors.ts";
import { projectArchived } from "../store/projects.ts";
import { type AuthContext, requireSignedIn, type SignedIn } from "./auth.ts";
import { projectAccess } from "./project-access.ts";

/**
 * What a route needs of its caller, declared in its options (`config.access`) and checked by
 * one hook before its handler runs. The OpenAPI document shows it as `x-permission`, and
 * `permissions.test.ts` reads the same declarations, so what a route says it needs, what the
 * server enforces and what the walk checks cannot drift apart.
 *
 * - `public`: anyone, signed in or not (health, sign-in, accepting an invitation by its token).
 * - `signed-in`: any account with a live session.
 * - `owner`: the studio's owner (the account made on the first start), who keeps the accounts.
 * - `{ project: action }`: a member of the project in `:projectId` whose role may do `action`;
 *   anyone else gets the 404 an unknown project gets. `perOperation` marks a save, which also
 *   needs each of its operations' own permission (checked by the route, which reads them).
 */
export type RouteAccess =
  | "public"
  | "signed-in"
  | "owner"
  | {
      readonly project: Action;
      readonly perOperation?: true;
      /**
       * What the route adds to or takes from the project (`"uploads"`), which an archived
       * project refuses with 409; new revisions are refused by the store itself.
       */
      readonly unlessArchived?: string;
    };

declare module "fastify" {
  interface FastifyInstance {
    /** Every API route's declared access, by `METHOD /url` as Fastify names it. */
    routeAccess: ReadonlyMap<string, RouteAccess>;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who called, once the access hook let them through (null on public routes). */
    signedIn: SignedIn | null;
    /** Their role on the route's project, on project routes. */
    projectRole: Role | null;
    /** On a WebSocket route, why the caller was refused: the handler closes with it. */
    accessRefused: ControlRoomError | null;
  }
}

/** The access a route declared, or an error when it declared none. */
export function declaredAccess(
  route: Pick<RouteOptions, "config" | "method" | "url">,
): RouteAccess {
  const access = (route.config as { access?: RouteAccess } | undefined)?.access;
  if (access === undefined) {
    throw new Error(
      `${String(route.method)} ${route.url} declares no access: every API route says what it needs in config.access`,
    );
  }
  return access;
}

/** How a declaration reads in the OpenAPI document and in error messages. */
export function describeAccess(access: RouteAccess): string {
  if (typeof access === "string") return access;
  return access.perOperation
    ? `${access.project} and each operation's own permission`
    : access.project;
}

/**
 * Installs the one check. Every route under /api must declare its access (the server refuses
 * to start otherwise); the check runs after the request is validated, so `:projectId` is there.
 */
export function installAccessCheck(app: FastifyInstance, context: AuthContext): void {
  app.decorateRequest("signedIn", null);
  app.decorateRequest("projectRole", null);
  app.decorateRequest("accessRefused", null);
  const declarations = new Map<string, RouteAccess>();
  app.decorate("routeAccess", declarations);
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/") || route.url.startsWith("/api/docs")) return;
    const access = declaredAccess(route);
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") declarations.set(`${method} ${route.url}`, access);
    }
  });
  app.addHook("preHandler", async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === "public") return;
    try {
      await checkAccess(request, context, access);
    } catch (error) {
      // A WebSocket is refused by closing it with a code its client can read, not by an HTTP
      // answer to the upgrade, which browsers do not show.
      if (request.ws && error instanceof ControlRoomError) request.accessRefused = error;
      else throw error;
    }
  });
}

async function checkAccess(
  request: FastifyRequest,
  context: AuthContext,
  access: Exclude<RouteAccess, "public">,
): Promise<void> {
  if (typeof access === "object") {
    const projectId = (request.params as { projectId?: string }).projectId ?? "";
    const { signedIn, role } = await projectAccess(request, context, projectId, [access.project]);
    request.signedIn = signedIn;
    request.projectRole = role;
    if (access.unlessArchived && (await context.store.findProject(projectId))?.archivedAt) {
      throw projectArchived(projectId, access.unlessArchived);
    }
    return;
  }
  const { role: _, ...signedIn } = await requireSignedIn(request, context);
  if (access === "owner" && !(await context.store.isStudioOwner(signedIn.account.id))) {
    throw new ControlRoomError(
      "E_FORBIDDEN",
      "only the studio's owner keeps the accounts",
      "account",
    );
  }
  request.signedIn = signedIn;
}

/** The caller of a route that is not public; the hook has checked them. */
export function caller(request: FastifyRequest): SignedIn {
  if (request.signedIn === null) {
    throw new Error(`${request.routeOptions.url} reads its caller, but declares public access`);
  }
  return request.signedIn;
}

/** The caller's role on the project of a project route. */
export function callerRole(request: FastifyRequest): Role {
  if (request.projectRole === null) {
    throw new Error(`${request.routeOptions.url} reads a project role, but is no project route`);
  }
  return request.projectRole;
}
