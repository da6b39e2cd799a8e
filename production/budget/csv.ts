import { formatDecimal } from "../money.ts";
import type { BudgetLine } from "./budget-line.ts";
import { countedAmounts } from "./totals.ts";

/**
 * The budget as CSV by RFC 4180: CRLF between records, every field that holds a comma, a
 * quote, CR or LF quoted, quotes inside doubled. Amounts are decimals in major units
 * ("1234.50"), exact, with their currency in the next column.
 */

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRecords(rows: readonly (readonly string[])[]): string {
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

export const BUDGET_CSV_HEADER = [
  "category",
  "description",
  "supplier",
  "kind",
  "status",
  "currency",
  "estimate",
  "actual",
  "recoupable",
  "approved by",
  "approved at",
  "paid by",
  "paid at",
  "counted in",
  "exchange rate",
  "counted estimate",
  "counted actual",
  "receipt",
] as const;

/** `names` turns an account or person id into the name people read. */
export function budgetCsv(lines: readonly BudgetLine[], names: (id: string) => string): string {
  const rows = lines.map((line) => {
    const counted = countedAmounts(line);
    return [
      line.category,
      line.description,
      line.supplier ?? "",
      line.kind,
      line.status,
      line.currency,
      formatDecimal(line.estimateMinor, line.currency),
      formatDecimal(line.actualMinor, line.currency),
      line.recoupable ? "yes" : "no",
      line.approved ? names(line.approved.by) : "",
      line.approved ? line.approved.at.toISOString() : "",
      line.paid ? names(line.paid.by) : "",
      line.paid ? line.paid.at.toISOString() : "",
      counted.currency,
      line.conversion?.rate ?? "",
      formatDecimal(counted.estimateMinor, counted.currency),
      formatDecimal(counted.actualMinor, counted.currency),
      line.receipt ?? "",
    ];
  });
  return csvRecords([BUDGET_CSV_HEADER, ...rows]);
}
