import { and, asc, eq, inArray } from "drizzle-orm";
import { ControlRoomError } from "../../music/errors.ts";
import {
  type ConfirmedBooking,
  derivedActuals,
  type RoomForCosts,
  type TeamMemberForCosts,
} from "../../production/budget/actuals.ts";
import { advanceBudgetLine } from "../../production/budget/approval.ts";
import type {
  BudgetLine,
  BudgetLineChanges,
  NewBudgetLine,
  NewExpense,
} from "../../production/budget/budget-line.ts";
import { type AuditRecord, recordAudit } from "../audit.ts";
import type { StoreDatabase } from "../database.ts";
import { findProjectFile } from "../files.ts";
import { checkId } from "../ids.ts";
import { listProjectBookings } from "./bookings.ts";
import { budgetLines } from "./schema.ts";
import { roomsWithStudios } from "./studios.ts";
import { listTeam } from "./team.ts";

/**
 * The budget: the lines the producer writes, stored, and the lines derived from confirmed
 * bookings and the team's fees, computed at every read from what they come from.
 */

type LineRow = typeof budgetLines.$inferSelect;

function lineOf(row: LineRow): BudgetLine {
  return {
    id: row.id,
    kind: row.kind,
    category: row.category,
    description: row.description,
    supplier: row.supplier,
    currency: row.currency,
    estimateMinor: row.estimateMinor,
    actualMinor: row.actualMinor,
    recoupable: row.recoupable,
    status: row.status,
    proposed: row.proposedBy === null ? null : { by: row.proposedBy, at: row.proposedAt },
    approved:
      row.approvedBy === null || row.approvedAt === null
        ? null
        : { by: row.approvedBy, at: row.approvedAt },
    paid: row.paidBy === null || row.paidAt === null ? null : { by: row.paidBy, at: row.paidAt },
    receipt: row.receipt,
    conversion:
      row.conversionRate === null || row.conversionCurrency === null
        ? null
        : { rate: row.conversionRate, currency: row.conversionCurrency },
    bookingId: null,
    personId: null,
  };
}

function lineMissing(lineId: string): ControlRoomError {
  return new ControlRoomError(
    "E_NOT_FOUND_BUDGET_LINE",
    `this project's budget has no line ${lineId}`,
    "lineId",
  );
}

/** Every line of the project's budget: written ones first, then derived ones. */
export async function budgetLinesOf(db: StoreDatabase, projectId: string): Promise<BudgetLine[]> {
  checkId(projectId, "projectId");
  const [rows, bookings, team] = await Promise.all([
    db
      .select()
      .from(budgetLines)
      .where(eq(budgetLines.projectId, projectId))
      .orderBy(asc(budgetLines.category), asc(budgetLines.proposedAt), asc(budgetLines.id)),
    listProjectBookings(db, projectId, "confirmed"),
    listTeam(db, projectId),
  ]);
  const confirmed: ConfirmedBooking[] = bookings
    .filter((booking) => booking.status === "confirmed")
    .map((booking) => ({
      ...booking,
      confirmed: {
        by: booking.confirmedBy ?? booking.createdBy ?? "",
        at: booking.confirmedAt ?? new Date(0),
      },
      minutesUsed: booking.report?.minutesUsed ?? null,
    }));
  const rooms: Map<string, RoomForCosts> = await roomsWithStudios(
    db,
    confirmed.flatMap((booking) => (booking.roomId === null ? [] : [booking.roomId])),
  );
  const members = new Map<string, TeamMemberForCosts>(
    team.map((member) => [
      member.person.id,
      {
        personId: member.person.id,
        name: member.person.name,
        roles: member.roles,
        rates: member.rates,
        songs: member.songs,
        agreed: { by: member.agreedBy ?? "", at: member.agreedAt },
      },
    ]),
  );
  return [...rows.map(lineOf), ...derivedActuals(confirmed, rooms, members)];
}

async function insertLine(
  db: StoreDatabase,
  projectId: string,
  values: Omit<
    typeof budgetLines.$inferInsert,
    "projectId" | "status" | "proposedBy" | "proposedAt"
  >,
  by: string,
  now: Date,
  audit?: (line: BudgetLine) => AuditRecord,
): Promise<BudgetLine> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(budgetLines)
      .values({ ...values, projectId, status: "proposed", proposedBy: by, proposedAt: now })
      .returning();
    const line = lineOf(row);
    if (audit) await recordAudit(tx, audit(line));
    return line;
  });
}

export async function addBudgetLine(
  db: StoreDatabase,
  projectId: string,
  line: NewBudgetLine,
  by: string,
  now: Date,
  audit?: (line: BudgetLine) => AuditRecord,
): Promise<BudgetLine> {
  checkId(projectId, "projectId");
  return insertLine(
    db,
    projectId,
    {
      kind: "planned",
      category: line.category,
      description: line.description,
      supplier: line.supplier ?? null,
      currency: line.currency,
      estimateMinor: line.estimateMinor,
      actualMinor: line.actualMinor,
      recoupable: line.recoupable,
      conversionRate: line.conversion?.rate ?? null,
      conversionCurrency: line.conversion?.currency ?? null,
    },
    by,
    now,
    audit,
  );
}

/** A manual expense; its receipt must be one of the project's files. */
export async function addExpense(
  db: StoreDatabase,
  projectId: string,
  expense: NewExpense,
  by: string,
  now: Date,
  audit?: (line: BudgetLine) => AuditRecord,
): Promise<BudgetLine> {
  checkId(projectId, "projectId");
  if (expense.receipt !== undefined && !(await findProjectFile(db, projectId, expense.receipt))) {
    throw new ControlRoomError(
      "E_NOT_FOUND_RECEIPT",
      `receipt "${expense.receipt}" is not among the project's files; upload it first`,
      "receipt",
    );
  }
  return insertLine(
    db,
    projectId,
    {
      kind: "expense",
      category: expense.category,
      description: expense.description,
      supplier: expense.supplier ?? null,
      currency: expense.currency,
      estimateMinor: 0,
      actualMinor: expense.amountMinor,
      recoupable: expense.recoupable,
      receipt: expense.receipt ?? null,
      conversionRate: expense.conversion?.rate ?? null,
      conversionCurrency: expense.conversion?.currency ?? null,
    },
    by,
    now,
    audit,
  );
}

async function lockLine(tx: StoreDatabase, projectId: string, lineId: string): Promise<LineRow> {
  const [row] = await tx
    .select()
    .from(budgetLines)
    .where(and(eq(budgetLines.id, lineId), eq(budgetLines.projectId, projectId)))
    .for("update");
  if (!row) throw lineMissing(lineId);
  return row;
}

export async function changeBudgetLine(
  db: StoreDatabase,
  projectId: string,
  lineId: string,
  changes: BudgetLineChanges,
  audit?: (before: BudgetLine, after: BudgetLine) => AuditRecord,
): Promise<BudgetLine> {
  checkId(projectId, "projectId");
  checkId(lineId, "lineId");
  return db.transaction(async (tx) => {
    const before = lineOf(await lockLine(tx, projectId, lineId));
    const touchesMoney = ["currency", "estimateMinor", "actualMinor", "conversion"].some(
      (key) => key in changes,
    );
    if (before.status === "paid" && touchesMoney) {
      throw new ControlRoomError(
        "E_BUDGET_LINE_PAID",
        `"${before.description}" is paid: its amounts are facts now; add a new line for a correction`,
        "status",
      );
    }
    const { conversion, ...rest } = changes;
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx
      .update(budgetLines)
      .set({
        ...rest,
        ...(conversion === undefined
          ? {}
          : {
              conversionRate: conversion?.rate ?? null,
              conversionCurrency: conversion?.currency ?? null,
            }),
      })
      .where(eq(budgetLines.id, lineId))
      .returning();
    const after = lineOf(row);
    if (audit) await recordAudit(tx, audit(before, after));
    return after;
  });
}

/** Approves or pays a line, one step at a time, recording who and when. */
export async function advanceLine(
  db: StoreDatabase,
  projectId: string,
  lineId: string,
  to: "approved" | "paid",
  by: string,
  now: Date,
  audit?: (line: BudgetLine) => AuditRecord,
): Promise<BudgetLine> {
  checkId(projectId, "projectId");
  checkId(lineId, "lineId");
  return db.transaction(async (tx) => {
    const before = lineOf(await lockLine(tx, projectId, lineId));
    const step = advanceBudgetLine(before, to, by, now);
    const [row] = await tx
      .update(budgetLines)
      .set({
        status: step.status,
        approvedBy: step.approved?.by ?? null,
        approvedAt: step.approved?.at ?? null,
        paidBy: step.paid?.by ?? null,
        paidAt: step.paid?.at ?? null,
      })
      .where(eq(budgetLines.id, lineId))
      .returning();
    const line = lineOf(row);
    if (audit) await recordAudit(tx, audit(line));
    return line;
  });
}

export async function deleteBudgetLine(
  db: StoreDatabase,
  projectId: string,
  lineId: string,
  audit?: (line: BudgetLine) => AuditRecord,
): Promise<void> {
  checkId(projectId, "projectId");
  checkId(lineId, "lineId");
  await db.transaction(async (tx) => {
    const line = lineOf(await lockLine(tx, projectId, lineId));
    if (line.status === "paid") {
      throw new ControlRoomError(
        "E_BUDGET_LINE_PAID",
        `"${line.description}" is paid and stays in the books`,
        "lineId",
      );
    }
    await tx.delete(budgetLines).where(inArray(budgetLines.id, [lineId]));
    if (audit) await recordAudit(tx, audit(line));
  });
}
