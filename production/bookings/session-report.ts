import { z } from "zod";
import { plainText } from "../text.ts";

/**
 * What a session used, written after it: the hours actually used (which then price the
 * booking's actuals in place of the hours booked), the takes recorded (project files) and
 * notes.
 */
export const sessionReportSchema = z.strictObject({
  minutesUsed: z
    .number()
    .int("minutes used are whole minutes")
    .min(0, "minutes used cannot be negative")
    .max(31 * 24 * 60, "more minutes than a booking can last"),
  takes: z
    .array(plainText(500).pipe(z.string().min(1)))
    .max(500)
    .default([])
    .describe("The takes recorded: names of the project's files."),
  notes: plainText(10_000, true).default(""),
});
export type SessionReport = z.infer<typeof sessionReportSchema>;
