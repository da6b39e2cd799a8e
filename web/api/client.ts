import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.ts";

export type { Role } from "../../accounts/roles.ts";
export type ProjectDocument = components["schemas"]["Project"];
export type FeedMessage = components["schemas"]["FeedMessage"];
export type ApiError = components["schemas"]["Error"];
export type OperationInput = components["schemas"]["OperationInput"];

/**
 * The session's CSRF token. The cookie rides along by itself (same origin); the token is
 * what proves a change comes from our page, so it is sent on every request that changes
 * something. It comes with sign-in and with `GET /api/session`, so a reload finds it again.
 */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken !== undefined && CHANGES.has(request.method)) {
      request.headers.set("x-csrf-token", csrfToken);
    }
    return request;
  },
};

/** The typed client of the studio's API, made from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

/** The sentence to show for a refused request: the server's message, else the status. */
export function errorMessage(error: unknown, response?: Response): string {
  const body = error as Partial<ApiError> | undefined;
  const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
  if (typeof message === "string") return message;
  if (body && typeof (body as { message?: unknown }).message === "string") {
    return (body as { message: string }).message;
  }
  return response ? `the studio answered ${response.status} ${response.statusText}` : "failed";
}

/**
 * Sends a file's bytes as the body of a request the typed client cannot describe (the
 * OpenAPI document types the JSON form of the route), with the same cookie and CSRF token.
 */
export async function postBytes(url: string, body: Blob): Promise<Response> {
  const headers = new Headers({ "content-type": "application/octet-stream" });
  if (csrfToken !== undefined) headers.set("x-csrf-token", csrfToken);
  return fetch(url, { method: "POST", body, headers, credentials: "same-origin" });
}
