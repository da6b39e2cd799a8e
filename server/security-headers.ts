import type { FastifyInstance } from "fastify";

/**
 * What the studio's pages may load: only their own scripts (no inline script, no eval),
 * workers and audio worklets from the studio itself, and connections to the studio (HTTP
 * and the change feed's WebSocket). Styles may be inline (attribute styles set by the
 * pages); nothing may frame the studio.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Headers on every answer. COOP same-origin with COEP require-corp make the page
 * cross-origin isolated (`crossOriginIsolated`), which a page needs to share memory
 * (SharedArrayBuffer) with its audio thread; the CSP limits what a page may run.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("cross-origin-opener-policy", "same-origin");
    reply.header("cross-origin-embedder-policy", "require-corp");
    reply.header("cross-origin-resource-policy", "same-origin");
    reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "same-origin");
    return payload;
  });
}
