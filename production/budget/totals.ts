import { addMinor, convert } from "../money.ts";
import { type BudgetLine, CONTINGENCY } from "./budget-line.ts";

/**
 * Budget roll-ups: estimate against actual per category and per currency, the contingency
 * left, and alerts where a category or the whole goes over. Amounts in different currencies
 * are never added together: a line counts in its own currency, or in the currency of the
 * conversion the producer entered on it, at that line's recorded rate.
 */

export interface CategoryTotal {
  category: string;
  currency: string;
  estimateMinor: number;
  /** Spent: approved and paid lines' actuals (derived lines are approved). */
  actualMinor: number;
  /** Proposed lines' actuals, not yet approved. */
  pendingMinor: number;
  /** estimate − actual; negative when over. */
  remainingMinor: number;
  over: boolean;
}

export interface CurrencyTotal {
  currency: string;
  estimateMinor: number;
  actualMinor: number;
  pendingMinor: number;
  remainingMinor: number;
  /** The contingency's estimate, less what it and every overspent category used of it. */
  contingencyRemainingMinor: number;
  over: boolean;
}

export interface BudgetAlert {
  scope: "category" | "total" | "contingency";
  category?: string;
  currency: string;
  overByMinor: number;
  message: string;
}

export interface BudgetTotals {
  categories: CategoryTotal[];
  currencies: CurrencyTotal[];
  alerts: BudgetAlert[];
}

/** The amounts a line counts with, in the currency it counts in. */
export function countedAmounts(line: BudgetLine): {
  currency: string;
  estimateMinor: number;
  actualMinor: number;
} {
  if (line.conversion === null) {
    return {
      currency: line.currency,
      estimateMinor: line.estimateMinor,
      actualMinor: line.actualMinor,
    };
  }
  const { rate, currency } = line.conversion;
  return {
    currency,
    estimateMinor: convert(
      { amountMinor: line.estimateMinor, currency: line.currency },
      rate,
      currency,
    ).amountMinor,
    actualMinor: convert({ amountMinor: line.actualMinor, currency: line.currency }, rate, currency)
      .amountMinor,
  };
}

export function budgetTotals(lines: readonly BudgetLine[]): BudgetTotals {
  const byCategory = new Map<string, CategoryTotal>();
  for (const line of lines) {
    const counted = countedAmounts(line);
    const key = `${line.category}\u0000${counted.currency}`;
    const total = byCategory.get(key) ?? {
      category: line.category,
      currency: counted.currency,
      estimateMinor: 0,
      actualMinor: 0,
      pendingMinor: 0,
      remainingMinor: 0,
      over: false,
    };
    total.estimateMinor = addMinor(total.estimateMinor, counted.estimateMinor);
    if (line.status === "proposed") {
      total.pendingMinor = addMinor(total.pendingMinor, counted.actualMinor);
    } else {
      total.actualMinor = addMinor(total.actualMinor, counted.actualMinor);
    }
    byCategory.set(key, total);
  }
  const categories = [...byCategory.values()].sort(
    (a, b) => a.category.localeCompare(b.category) || a.currency.localeCompare(b.currency),
  );
  const alerts: BudgetAlert[] = [];
  const byCurrency = new Map<string, CurrencyTotal>();
  for (const category of categories) {
    category.remainingMinor = category.estimateMinor - category.actualMinor;
    category.over = category.actualMinor > category.estimateMinor;
    const total = byCurrency.get(category.currency) ?? {
      currency: category.currency,
      estimateMinor: 0,
      actualMinor: 0,
      pendingMinor: 0,
      remainingMinor: 0,
      contingencyRemainingMinor: 0,
      over: false,
    };
    total.estimateMinor = addMinor(total.estimateMinor, category.estimateMinor);
    total.actualMinor = addMinor(total.actualMinor, category.actualMinor);
    total.pendingMinor = addMinor(total.pendingMinor, category.pendingMinor);
    if (category.category === CONTINGENCY) {
      total.contingencyRemainingMinor += category.estimateMinor - category.actualMinor;
    } else if (category.over) {
      // An overspent category draws on the contingency.
      total.contingencyRemainingMinor -= category.actualMinor - category.estimateMinor;
      alerts.push({
        scope: "category",
        category: category.category,
        currency: category.currency,
        overByMinor: category.actualMinor - category.estimateMinor,
        message: `${category.category} is over its estimate by ${category.actualMinor - category.estimateMinor} ${category.currency} minor units`,
      });
    }
    byCurrency.set(category.currency, total);
  }
  const currencies = [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  for (const total of currencies) {
    total.remainingMinor = total.estimateMinor - total.actualMinor;
    total.over = total.actualMinor > total.estimateMinor;
    if (total.over) {
      alerts.push({
        scope: "total",
        currency: total.currency,
        overByMinor: total.actualMinor - total.estimateMinor,
        message: `the budget in ${total.currency} is over by ${total.actualMinor - total.estimateMinor} minor units`,
      });
    }
    if (total.contingencyRemainingMinor < 0) {
      alerts.push({
        scope: "contingency",
        currency: total.currency,
        overByMinor: -total.contingencyRemainingMinor,
        message: `the contingency in ${total.currency} is used up, ${-total.contingencyRemainingMinor} minor units beyond it`,
      });
    }
  }
  return { categories, currencies, alerts };
}
