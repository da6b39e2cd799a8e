import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  BUDGET_CATEGORIES,
  BUDGET_LINE_KINDS,
  BUDGET_LINE_STATUSES,
  type BudgetLine,
  budgetLineChangesSchema,
  newBudgetLineSchema,
  newExpenseSchema,
} from "../../../production/budget/budget-line.ts";
import { budgetCsv } from "../../../production/budget/csv.ts";
import { budgetTotals } from "../../../production/budget/totals.ts";
import { auditOf } from "../../audit.ts";
import type { AuthContext } from "../../auth.ts";
import { caller } from "../../route-access.ts";
import { announce, clock, Ok, ProjectParams } from "./common.ts";

const LineParams = z.strictObject({ projectId: z.string(), lineId: z.string() });

const Step = z.object({ by: z.string(), at: z.string() }).nullable();

const BudgetLineOut = z
  .object({
    id: z.string(),
    kind: z.enum(BUDGET_LINE_KINDS),
    category: z.string(),
    description: z.string(),
    supplier: z.string().nullable(),
    currency: z.string(),
    estimateMinor: z.number().int(),
    actualMinor: z.number().int(),
    recoupable: z.boolean(),
    status: z.enum(BUDGET_LINE_STATUSES),
    proposed: Step,
    approved: Step,
    paid: Step,
    receipt: z.string().nullable(),
    conversion: z.object({ rate: z.string(), currency: z.string() }).nullable(),
    bookingId: z.string().nullable(),
    personId: z.string().nullable(),
  })
  .meta({ id: "BudgetLine" });

const Totals = z
  .object({
    categories: z.array(
      z.object({
        category: z.string(),
        currency: z.string(),
        estimateMinor: z.number().int(),
        actualMinor: z.number().int(),
        pendingMinor: z.number().int(),
        remainingMinor: z.number().int(),
        over: z.boolean(),
      }),
    ),
    currencies: z.array(
      z.object({
        currency: z.string(),
        estimateMinor: z.number().int(),
        actualMinor: z.number().int(),
        pendingMinor: z.number().int(),
        remainingMinor: z.number().int(),
        contingencyRemainingMinor: z.number().int(),
        over: z.boolean(),
      }),
    ),
    alerts: z.array(
      z.object({
        scope: z.enum(["category", "total", "contingency"]),
        category: z.string().optional(),
        currency: z.string(),
        overByMinor: z.number().int(),
        message: z.string(),
      }),
    ),
  })
  .meta({ id: "BudgetTotals" });

function lineOut(line: BudgetLine): z.infer<typeof BudgetLineOut> {
  const step = (s: BudgetLine["approved"]) => s && { by: s.by, at: s.at.toISOString() };
  return {
    ...line,
    proposed: step(line.proposed),
    approved: step(line.approved),
    paid: step(line.paid),
  };
}

/**
 * The budget, the producer's alone (budget.read, budget.edit): lines with estimates and
 * actuals, actuals that flow in from confirmed bookings and fees, expenses with receipts,
 * approval, totals with alerts, and the CSV export.
 */
export function budgetRoutes(app: FastifyInstance, context: AuthContext): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const office = context.store.production;
  const now = clock(context);

  route.get(
    "/api/projects/:projectId/budget",
    {
      config: { access: { project: "budget.read" } },
      schema: {
        summary: "Read the budget",
        description:
          "Every line (written ones, and those derived from confirmed bookings and the team's fees), totals per category and currency (estimate, actual, pending, remaining, contingency left) and over-budget alerts. Money is integer minor units with ISO 4217 codes.",
        params: ProjectParams,
        response: {
          200: z.object({
            lines: z.array(BudgetLineOut),
            totals: Totals,
            categories: z.array(z.string()).describe("The usual categories, offered first."),
          }),
        },
      },
    },
    async (request) => {
      const lines = await office.budget.budgetLinesOf(request.params.projectId);
      return {
        lines: lines.map(lineOut),
        totals: budgetTotals(lines),
        categories: [...BUDGET_CATEGORIES],
      };
    },
  );

  route.get(
    "/api/projects/:projectId/budget/csv",
    {
      config: { access: { project: "budget.read" } },
      schema: {
        summary: "Download the budget as CSV",
        description:
          "Every line as RFC 4180 CSV (UTF-8, CRLF, quoted where needed), amounts as exact decimals in major units with their currency, who approved and paid and when.",
        params: ProjectParams,
      },
    },
    async (request, reply) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const lines = await office.budget.budgetLinesOf(projectId);
      const members = await context.store.listMembers(projectId);
      const team = await office.team.listTeam(projectId);
      const names = new Map<string, string>([
        ...members.map((m) => [m.accountId, m.displayName] as const),
        ...team.map((m) => [m.person.id, m.person.name] as const),
      ]);
      await context.store.recordAudit(
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "budget.exported",
          subject: "budget",
          detail: { lines: lines.length },
        }),
      );
      const project = await context.store.findProject(projectId);
      const fileName = `${(project?.title ?? "budget").replace(/[^\p{L}\p{N} _-]/gu, "")} budget.csv`;
      return reply
        .header("content-type", "text/csv; charset=utf-8; header=present")
        .header(
          "content-disposition",
          `attachment; filename="budget.csv"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        )
        .header("x-content-type-options", "nosniff")
        .send(budgetCsv(lines, (id) => names.get(id) ?? id));
    },
  );

  route.post(
    "/api/projects/:projectId/budget/lines",
    {
      config: { access: { project: "budget.edit" } },
      schema: {
        summary: "Add a budget line",
        description:
          "A line with its category, estimate and actual in one currency (integer minor units), the recoupable flag, the supplier, and optionally a conversion at a rate the producer enters. Starts proposed.",
        params: ProjectParams,
        body: newBudgetLineSchema,
        response: { 200: z.object({ ok: z.literal(true), line: BudgetLineOut }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const line = await office.budget.addBudgetLine(
        projectId,
        request.body,
        signedIn.account.id,
        now(),
        (added) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "budget-line.added",
            subject: `budget-line:${added.id}`,
            detail: request.body,
          }),
      );
      announce(context, projectId, "budget", line.id, "created");
      return { ok: true as const, line: lineOut(line) };
    },
  );

  route.patch(
    "/api/projects/:projectId/budget/lines/:lineId",
    {
      config: { access: { project: "budget.edit" } },
      schema: {
        summary: "Change a budget line",
        description: "Any of its fields; a paid line's amounts are facts and stay (409).",
        params: LineParams,
        body: budgetLineChangesSchema,
        response: { 200: z.object({ ok: z.literal(true), line: BudgetLineOut }) },
      },
    },
    async (request) => {
      const { projectId, lineId } = request.params;
      const signedIn = caller(request);
      const line = await office.budget.changeBudgetLine(projectId, lineId, request.body, (before) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "budget-line.changed",
          subject: `budget-line:${lineId}`,
          detail: {
            changes: request.body,
            before: {
              estimateMinor: before.estimateMinor,
              actualMinor: before.actualMinor,
              currency: before.currency,
            },
          },
        }),
      );
      announce(context, projectId, "budget", line.id, "changed");
      return { ok: true as const, line: lineOut(line) };
    },
  );

  route.delete(
    "/api/projects/:projectId/budget/lines/:lineId",
    {
      config: { access: { project: "budget.edit" } },
      schema: {
        summary: "Remove a budget line",
        description: "A line not yet paid; a paid one stays in the books (409).",
        params: LineParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { projectId, lineId } = request.params;
      const signedIn = caller(request);
      await office.budget.deleteBudgetLine(projectId, lineId, (line) =>
        auditOf(request, context, {
          actorId: signedIn.account.id,
          projectId,
          event: "budget-line.deleted",
          subject: `budget-line:${lineId}`,
          detail: {
            description: line.description,
            actualMinor: line.actualMinor,
            currency: line.currency,
          },
        }),
      );
      announce(context, projectId, "budget", lineId, "removed");
      return { ok: true as const };
    },
  );

  for (const [step, to, event, summary] of [
    ["approve", "approved", "budget-line.approved", "Approve a cost"],
    ["pay", "paid", "budget-line.paid", "Mark a cost paid"],
  ] as const) {
    route.post(
      `/api/projects/:projectId/budget/lines/:lineId/${step}`,
      {
        config: { access: { project: "budget.edit" } },
        schema: {
          summary,
          description: `Moves a line to ${to}, recording who and when: proposed → approved → paid, one step at a time (409 otherwise).`,
          params: LineParams,
          response: { 200: z.object({ ok: z.literal(true), line: BudgetLineOut }) },
        },
      },
      async (request) => {
        const { projectId, lineId } = request.params;
        const signedIn = caller(request);
        const line = await office.budget.advanceLine(
          projectId,
          lineId,
          to,
          signedIn.account.id,
          now(),
          (moved) =>
            auditOf(request, context, {
              actorId: signedIn.account.id,
              projectId,
              event,
              subject: `budget-line:${lineId}`,
              detail: { actualMinor: moved.actualMinor, currency: moved.currency },
            }),
        );
        announce(context, projectId, "budget", line.id, "changed");
        return { ok: true as const, line: lineOut(line) };
      },
    );
  }

  route.post(
    "/api/projects/:projectId/expenses",
    {
      config: { access: { project: "budget.edit" } },
      schema: {
        summary: "Record an expense",
        description:
          "A cost paid by hand (a mic hire, a taxi), with its receipt among the project's files (upload it first). Starts proposed; approve it and mark it paid.",
        params: ProjectParams,
        body: newExpenseSchema,
        response: { 200: z.object({ ok: z.literal(true), line: BudgetLineOut }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const line = await office.budget.addExpense(
        projectId,
        request.body,
        signedIn.account.id,
        now(),
        (added) =>
          auditOf(request, context, {
            actorId: signedIn.account.id,
            projectId,
            event: "expense.added",
            subject: `budget-line:${added.id}`,
            detail: request.body,
          }),
      );
      announce(context, projectId, "budget", line.id, "created");
      return { ok: true as const, line: lineOut(line) };
    },
  );
}
