import { PASSWORD_RESET_TTL_SECONDS } from "../../accounts/password-resets.ts";

/** The studio a reset link points at, unless --url names another. */
export const DEFAULT_URL = "http://127.0.0.1:4321/";

export const help = `controlroom account reset <email> [--data <dir>] [--url URL]

Prints a one-time link that sets a new password for the account with <email>: the studio
sends no mail, so its owner hands the link over. The link works once, for ${PASSWORD_RESET_TTL_SECONDS / 3600} hours;
using it ends the account's sessions. Only the hash of its token is kept.

Works on the studio's database directly, as serve does: the embedded database in --data
(stop the server first: the embedded database belongs to one process), or the PostgreSQL
server DATABASE_URL names (the server may keep running).

  --data <dir>  the data folder (default .controlroom)
  --url URL     the studio's address, as people reach it (default CONTROLROOM_URL, else
                ${DEFAULT_URL})`;
