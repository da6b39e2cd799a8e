import {
  bigint,
  boolean,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { BookingPurpose, BookingStatus } from "../../production/bookings/booking.ts";
import type { BudgetLineStatus } from "../../production/budget/budget-line.ts";
import type { DecisionLink, TaskStatus } from "../../production/decisions/decisions.ts";
import type { Rate, TeamRole } from "../../production/team/people.ts";

/** The production office's tables (migrations/0006_production.sql), as drizzle sees them. */

const at = (name: string) => timestamp(name, { withTimezone: true });

export const people = pgTable("people", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  email: text("email"),
  phone: text("phone"),
  accountId: uuid("account_id"),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const teamMembers = pgTable(
  "team_members",
  {
    projectId: uuid("project_id").notNull(),
    personId: uuid("person_id").notNull(),
    roles: text("roles").array().$type<TeamRole[]>().notNull(),
    rates: jsonb("rates").$type<Rate[]>().notNull().default([]),
    songs: integer("songs").notNull().default(1),
    agreedBy: uuid("agreed_by"),
    agreedAt: at("agreed_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.personId] })],
);

export const studios = pgTable("studios", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  address: text("address").notNull().default(""),
  timeZone: text("time_zone").notNull(),
  notes: text("notes").notNull().default(""),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const rooms = pgTable("rooms", {
  id: uuid("id").primaryKey().defaultRandom(),
  studioId: uuid("studio_id").notNull(),
  name: text("name").notNull(),
  rates: jsonb("rates").$type<Rate[]>().notNull().default([]),
  equipment: jsonb("equipment").$type<string[]>().notNull().default([]),
  notes: text("notes").notNull().default(""),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const bookings = pgTable("bookings", {
  id: uuid("id").primaryKey().defaultRandom(),
  projectId: uuid("project_id").notNull(),
  roomId: uuid("room_id"),
  startsAt: at("starts_at").notNull(),
  endsAt: at("ends_at").notNull(),
  timeZone: text("time_zone").notNull(),
  status: text("status").$type<BookingStatus>().notNull(),
  purpose: text("purpose").$type<BookingPurpose>().notNull(),
  title: text("title").notNull().default(""),
  createdBy: uuid("created_by"),
  createdAt: at("created_at").notNull().defaultNow(),
  confirmedBy: uuid("confirmed_by"),
  confirmedAt: at("confirmed_at"),
});

export const bookingPeople = pgTable(
  "booking_people",
  {
    bookingId: uuid("booking_id").notNull(),
    personId: uuid("person_id").notNull(),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at").notNull(),
    live: boolean("live").notNull(),
  },
  (t) => [primaryKey({ columns: [t.bookingId, t.personId] })],
);

export const sessionReports = pgTable("session_reports", {
  bookingId: uuid("booking_id").primaryKey(),
  minutesUsed: integer("minutes_used").notNull(),
  takes: jsonb("takes").$type<string[]>().notNull().default([]),
  notes: text("notes").notNull().default(""),
  reportedBy: uuid("reported_by"),
  reportedAt: at("reported_at").notNull().defaultNow(),
});

export const budgetLines = pgTable("budget_lines", {
  id: uuid("id").primaryKey().defaultRandom(),
  projectId: uuid("project_id").notNull(),
  kind: text("kind").$type<"planned" | "expense">().notNull(),
  category: text("category").notNull(),
  description: text("description").notNull(),
  supplier: text("supplier"),
  currency: text("currency").notNull(),
  estimateMinor: bigint("estimate_minor", { mode: "number" }).notNull().default(0),
  actualMinor: bigint("actual_minor", { mode: "number" }).notNull().default(0),
  recoupable: boolean("recoupable").notNull().default(false),
  status: text("status").$type<BudgetLineStatus>().notNull(),
  proposedBy: uuid("proposed_by"),
  proposedAt: at("proposed_at").notNull().defaultNow(),
  approvedBy: uuid("approved_by"),
  approvedAt: at("approved_at"),
  paidBy: uuid("paid_by"),
  paidAt: at("paid_at"),
  receipt: text("receipt"),
  conversionRate: text("conversion_rate"),
  conversionCurrency: text("conversion_currency"),
});

export const decisions = pgTable("decisions", {
  id: uuid("id").primaryKey().defaultRandom(),
  projectId: uuid("project_id").notNull(),
  what: text("what").notNull(),
  why: text("why").notNull(),
  decidedBy: uuid("decided_by"),
  decidedAt: at("decided_at").notNull().defaultNow(),
  supersedes: uuid("supersedes"),
  links: jsonb("links").$type<DecisionLink[]>().notNull().default([]),
});

export const tasks = pgTable("tasks", {
  id: uuid("id").primaryKey().defaultRandom(),
  projectId: uuid("project_id").notNull(),
  title: text("title").notNull(),
  assigneeId: uuid("assignee_id").notNull(),
  status: text("status").$type<TaskStatus>().notNull().default("open"),
  dueDate: date("due_date", { mode: "string" }),
  notes: text("notes").notNull().default(""),
  decisionId: uuid("decision_id"),
  createdBy: uuid("created_by"),
  createdAt: at("created_at").notNull().defaultNow(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const assignments = pgTable("assignments", {
  id: uuid("id").primaryKey().defaultRandom(),
  projectId: uuid("project_id").notNull(),
  personId: uuid("person_id").notNull(),
  targetKind: text("target_kind").$type<"track" | "booking" | "task">().notNull(),
  targetId: text("target_id").notNull(),
  part: text("part").notNull(),
});

export const productionTables = {
  people,
  teamMembers,
  studios,
  rooms,
  bookings,
  bookingPeople,
  sessionReports,
  budgetLines,
  decisions,
  tasks,
  assignments,
};
