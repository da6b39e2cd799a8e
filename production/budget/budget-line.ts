import { z } from "zod";
import { amountMinorSchema, currencySchema, exchangeRateSchema } from "../money.ts";
import { plainText } from "../text.ts";

/**
 * A line of a record's budget: what it is for, its estimate and its actual in one currency,
 * whether it is recoupable from the artist's royalties, who supplies it, and where it is in
 * its approval (proposed → approved → paid). Lines the producer writes are `planned` (an
 * estimate, later an actual) or `expense` (a cost with its receipt); `booking` and `fee`
 * lines are derived from confirmed bookings and the team's fees, never written.
 */

/** The usual lines of a record budget, offered first; any other category may be used. */
export const BUDGET_CATEGORIES = [
  "pre-production",
  "studio time",
  "producer fee",
  "engineer",
  "session musicians",
  "equipment hire",
  "mixing and mastering",
  "artwork and video",
  "legal",
  "distribution",
  "marketing",
  "contingency",
] as const;

export const CONTINGENCY = "contingency";

export const BUDGET_LINE_STATUSES = ["proposed", "approved", "paid"] as const;
export type BudgetLineStatus = (typeof BUDGET_LINE_STATUSES)[number];
export const BUDGET_LINE_KINDS = ["planned", "expense", "booking", "fee"] as const;
export type BudgetLineKind = (typeof BUDGET_LINE_KINDS)[number];

const text = (max: number) => plainText(max);

/** A conversion the producer entered: `rate` units of `currency` per unit of the line's. */
export const conversionSchema = z.strictObject({
  rate: exchangeRateSchema,
  currency: currencySchema,
});
export type Conversion = z.infer<typeof conversionSchema>;

export const newBudgetLineSchema = z.strictObject({
  category: text(100).min(1, "a line belongs to a category"),
  description: text(500).min(1, "say what the line is for"),
  supplier: text(200).optional(),
  currency: currencySchema,
  estimateMinor: amountMinorSchema.default(0),
  actualMinor: amountMinorSchema.default(0),
  recoupable: z.boolean().default(false),
  conversion: conversionSchema.optional(),
});
export type NewBudgetLine = z.infer<typeof newBudgetLineSchema>;

/** What a change may carry; nothing defaults, so what is left out stays as it was. */
export const budgetLineChangesSchema = z.strictObject({
  category: text(100).min(1, "a line belongs to a category").optional(),
  description: text(500).min(1, "say what the line is for").optional(),
  supplier: text(200).nullable().optional(),
  currency: currencySchema.optional(),
  estimateMinor: amountMinorSchema.optional(),
  actualMinor: amountMinorSchema.optional(),
  recoupable: z.boolean().optional(),
  conversion: conversionSchema.nullable().optional(),
});
export type BudgetLineChanges = z.infer<typeof budgetLineChangesSchema>;

/** A manual expense: what was paid, to whom, and the receipt among the project's files. */
export const newExpenseSchema = z.strictObject({
  category: text(100).min(1, "an expense belongs to a category"),
  description: text(500).min(1, "say what the expense was for"),
  supplier: text(200).optional(),
  currency: currencySchema,
  amountMinor: amountMinorSchema.refine((amount) => amount > 0, "an expense costs something"),
  recoupable: z.boolean().default(false),
  receipt: plainText(500)
    .pipe(z.string().min(1))
    .describe("The receipt's name among the project's files (upload it first).")
    .optional(),
  conversion: conversionSchema.optional(),
});
export type NewExpense = z.infer<typeof newExpenseSchema>;

export interface ApprovalStep {
  by: string;
  at: Date;
}

export interface BudgetLine {
  id: string;
  kind: BudgetLineKind;
  category: string;
  description: string;
  supplier: string | null;
  currency: string;
  estimateMinor: number;
  actualMinor: number;
  recoupable: boolean;
  status: BudgetLineStatus;
  proposed: ApprovalStep | null;
  approved: ApprovalStep | null;
  paid: ApprovalStep | null;
  receipt: string | null;
  conversion: Conversion | null;
  /** For derived lines: the booking or person the cost comes from. */
  bookingId: string | null;
  personId: string | null;
}
