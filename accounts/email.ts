/**
 * Email addresses as account names: validated at the boundary, compared lower-cased.
 */
import { z } from "zod";

/** Trimmed and lower-cased: `Ana@Studio.example ` and `ana@studio.example` are one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = z.string().trim().max(254).pipe(z.email()).transform(normalizeEmail);
