import type { FastifyInstance } from "fastify";
import type { AuthContext } from "../../auth.ts";
import { agendaRoutes } from "./agenda.ts";
import { bookingRoutes } from "./bookings.ts";
import { budgetRoutes } from "./budget.ts";
import { decisionRoutes } from "./decisions.ts";
import { teamRoutes } from "./team.ts";

/** The production office: team, studios and bookings, budget, decisions and tasks. */
export function productionRoutes(app: FastifyInstance, context: AuthContext): void {
  teamRoutes(app, context);
  bookingRoutes(app, context);
  budgetRoutes(app, context);
  decisionRoutes(app, context);
  agendaRoutes(app, context);
}
