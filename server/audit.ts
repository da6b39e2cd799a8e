import type { FastifyRequest } from "fastify";
import { type AuditEntry, type AuditInput, auditEntry } from "../accounts/audit.ts";
import type { AuthContext } from "./auth.ts";

/**
 * The audit entry for what a request did: the server's clock, the caller's address, and the
 * detail redacted (accounts/audit.ts), ready for the store to write with the change.
 */
export function auditOf(
  request: FastifyRequest,
  context: AuthContext,
  input: Omit<AuditInput, "at" | "address" | "outcome"> & Partial<Pick<AuditInput, "outcome">>,
): AuditEntry {
  return auditEntry({
    outcome: "done",
    ...input,
    at: context.now?.() ?? new Date(),
    address: request.ip,
  });
}
