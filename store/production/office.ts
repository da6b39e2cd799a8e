import type { StoreDatabase } from "../database.ts";
import * as bookings from "./bookings.ts";
import * as budget from "./budget.ts";
import * as decisions from "./decisions.ts";
import * as studios from "./studios.ts";
import * as team from "./team.ts";

type Bound<M> = {
  [K in keyof M]: M[K] extends (db: StoreDatabase, ...args: infer A) => infer R
    ? (...args: A) => R
    : never;
};

function bind<M extends Record<string, unknown>>(db: StoreDatabase, module: M): Bound<M> {
  const bound: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === "function" && value.length >= 1) {
      bound[name] = (...args: unknown[]) => value(db, ...args);
    }
  }
  return bound as Bound<M>;
}

/** Only the functions that take the database first. */
type Queries<M> = {
  [K in keyof M as M[K] extends (db: StoreDatabase, ...args: never[]) => unknown ? K : never]: M[K];
};

/**
 * The production office's storage (team, studios and rooms, bookings, budget, decisions and
 * tasks) over the store's database: each function of store/production/ with the database
 * already given.
 */
export class ProductionOffice {
  readonly team: Bound<Queries<typeof team>>;
  readonly studios: Bound<Queries<typeof studios>>;
  readonly bookings: Bound<Queries<typeof bookings>>;
  readonly budget: Bound<Queries<typeof budget>>;
  readonly decisions: Bound<Queries<typeof decisions>>;

  constructor(db: StoreDatabase) {
    this.team = bind(db, team) as never;
    this.studios = bind(db, studios) as never;
    this.bookings = bind(db, bookings) as never;
    this.budget = bind(db, budget) as never;
    this.decisions = bind(db, decisions) as never;
  }
}
