import { ControlRoomError } from "../music/errors.ts";

/**
 * PostgreSQL's text and jsonb cannot hold the NUL character (U+0000): a title or a document
 * carrying one would fail in the database as an error of ours. It is refused here instead,
 * naming the field, before anything is written.
 */
export function refuseNul(value: unknown, field: string): void {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text?.includes(typeof value === "string" ? "\u0000" : "\\u0000")) {
    throw new ControlRoomError(
      "E_STORE_TEXT_NUL",
      `${field} contains a NUL character (U+0000), which the studio cannot store; remove it`,
      field,
    );
  }
}
