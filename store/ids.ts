import { z } from "zod";
import { ControlRoomError } from "../music/errors.ts";

const Uuid = z.uuid();

/** Account and project ids are UUIDs; anything else is refused before it reaches SQL. */
export function checkId(value: string, field: string): string {
  if (!Uuid.safeParse(value).success) {
    throw new ControlRoomError(
      "E_STORE_ID",
      `${field} "${value}" is not a valid id (a UUID)`,
      field,
    );
  }
  return value.toLowerCase();
}

export function checkRevisionNumber(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ControlRoomError(
      "E_STORE_REVISION_NUMBER",
      `${field} ${value} is not a revision number (1, 2, 3, …)`,
      field,
    );
  }
  return value;
}
