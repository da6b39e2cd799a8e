import { ControlRoomError } from "../../music/errors.ts";
import type { BudgetLine, BudgetLineStatus } from "./budget-line.ts";

/**
 * A cost's approval: proposed → approved → paid, one step at a time, each recording who took
 * it and when. A paid line stays paid; derived lines (bookings, fees) are approved by the
 * booking's confirmation or the fee's agreement and are not stepped by hand.
 */

const NEXT: Readonly<Record<BudgetLineStatus, BudgetLineStatus | undefined>> = {
  proposed: "approved",
  approved: "paid",
  paid: undefined,
};

function step(
  line: BudgetLine,
  to: "approved" | "paid",
  by: string,
  at: Date,
): Pick<BudgetLine, "status" | "approved" | "paid"> {
  if (line.kind === "booking" || line.kind === "fee") {
    throw new ControlRoomError(
      "E_BUDGET_LINE_DERIVED",
      `"${line.description}" comes from ${line.kind === "booking" ? "a confirmed booking" : "a team member's fee"}; change the booking or the fee, not the line`,
      "lineId",
    );
  }
  if (NEXT[line.status] !== to) {
    const why =
      line.status === "paid"
        ? "it is already paid"
        : line.status === to
          ? `it is already ${to}`
          : `it is ${line.status}, and must be approved before it is paid`;
    throw new ControlRoomError(
      "E_BUDGET_STATUS",
      `"${line.description}" cannot be marked ${to}: ${why}`,
      "status",
    );
  }
  return {
    status: to,
    approved: to === "approved" ? { by, at } : line.approved,
    paid: to === "paid" ? { by, at } : line.paid,
  };
}

/** The producer approves a proposed cost. */
export function approveExpense(line: BudgetLine, by: string, at: Date) {
  return step(line, "approved", by, at);
}

/** The producer records an approved cost as paid. */
export function markPaid(line: BudgetLine, by: string, at: Date) {
  return step(line, "paid", by, at);
}

/** The step to `to`, whichever it is. */
export function advanceBudgetLine(line: BudgetLine, to: "approved" | "paid", by: string, at: Date) {
  return to === "approved" ? approveExpense(line, by, at) : markPaid(line, by, at);
}
