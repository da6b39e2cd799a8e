import type { FastifyRequest } from "fastify";
import { requireAccess } from "../accounts/access.ts";
import type { Action, Role } from "../accounts/roles.ts";
import { type AuthContext, requireSignedIn, type SignedIn } from "./auth.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The check behind every project route (`route-access.ts` runs it from the route's
 * declaration): the caller is signed in, is a member (anyone else gets the 404 an unknown id
 * gets, so ids cannot be guessed), and their role may do each of `actions` (403 otherwise).
 * Returns who they are and their role.
 */
export async function projectAccess(
  request: FastifyRequest,
  context: AuthContext,
  projectId: string,
  actions: Iterable<Action>,
): Promise<{ signedIn: SignedIn; role: Role }> {
  const { role, ...signedIn } = await requireSignedIn(
    request,
    context,
    UUID.test(projectId) ? projectId : undefined,
  );
  const membership =
    role === undefined ? undefined : { accountId: signedIn.account.id, projectId, role };
  const granted = requireAccess({ projectId, action: "project.read", membership });
  for (const action of actions) requireAccess({ projectId, action, membership });
  return { signedIn, role: granted };
}

/**
 * What a route that declared `perOperation` checks once it has read the request: the
 * member's role may also do each of `actions` (403 otherwise).
 */
export function requireActions(request: FastifyRequest, role: Role, actions: Iterable<Action>) {
  const projectId = (request.params as { projectId: string }).projectId;
  const accountId = request.signedIn?.account.id ?? "";
  for (const action of actions) {
    requireAccess({ projectId, action, membership: { accountId, projectId, role } });
  }
}
