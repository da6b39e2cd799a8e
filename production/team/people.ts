import { z } from "zod";
import { amountMinorSchema, currencySchema } from "../money.ts";
import { plainText } from "../text.ts";

/**
 * The team: people with what they do on a record and what they cost. A person is someone
 * with an account (a member) or a contact without one (a hired player); the same person can
 * work on several projects, so a booking of them is checked against every project.
 */

export const TEAM_ROLES = [
  "producer",
  "engineer",
  "assistant",
  "session-musician",
  "vocalist",
  "mixing-engineer",
  "mastering-engineer",
  "artist",
] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const teamRoleSchema = z.enum(TEAM_ROLES);

/**
 * How a person or a room charges. Hourly and daily rates turn a confirmed booking into an
 * actual; a per-song fee is paid per song they play on, a flat fee once per project.
 */
export const RATE_KINDS = ["hourly", "daily", "per-song", "flat"] as const;
export type RateKind = (typeof RATE_KINDS)[number];

export const rateSchema = z.strictObject({
  kind: z.enum(RATE_KINDS),
  amountMinor: amountMinorSchema,
  currency: currencySchema,
});
export type Rate = z.infer<typeof rateSchema>;

/** One rate of each kind at most: "her hourly rate" has one answer. */
export const ratesSchema = z
  .array(rateSchema)
  .max(RATE_KINDS.length)
  .refine((rates) => new Set(rates.map((rate) => rate.kind)).size === rates.length, {
    message: "one rate of each kind at most (hourly, daily, per-song, flat)",
  });

const name = plainText(200).pipe(z.string().min(1, "a name is needed"));

export const contactSchema = z.strictObject({
  email: z.email().max(320).optional(),
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^[+()\d .-]*$/, "a phone number holds digits, spaces, + ( ) - and .")
    .optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const personSchema = z.strictObject({
  name,
  contact: contactSchema.default({}),
  /** The account of a member; absent for a contact without one. */
  accountId: z.uuid().optional(),
});
export type NewPerson = z.infer<typeof personSchema>;

/** A person on a project's team: their roles and rates on this record. */
export const teamMemberSchema = z.strictObject({
  roles: z.array(teamRoleSchema).min(1, "a team member has at least one role").max(8),
  rates: ratesSchema.default([]),
  /** Songs a per-song fee is paid for on this project. */
  songs: z.number().int().min(0).max(500).default(1),
});
export type TeamMemberTerms = z.infer<typeof teamMemberSchema>;

export interface Person {
  id: string;
  name: string;
  contact: Contact;
  accountId: string | null;
}

export interface TeamMember extends TeamMemberTerms {
  person: Person;
}

/** The rate of a kind, if the person has one. */
export function rateOf(rates: readonly Rate[], kind: RateKind): Rate | undefined {
  return rates.find((rate) => rate.kind === kind);
}

/** The budget category a person's cost falls in, from their first role. */
export function categoryOfRoles(roles: readonly TeamRole[]): string {
  const role = roles[0];
  switch (role) {
    case "producer":
      return "producer fee";
    case "engineer":
    case "assistant":
      return "engineer";
    case "mixing-engineer":
    case "mastering-engineer":
      return "mixing and mastering";
    case "artist":
      return "artist";
    default:
      return "session musicians";
  }
}
