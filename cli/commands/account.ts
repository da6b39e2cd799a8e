import { auditEntry } from "../../accounts/audit.ts";
import { PASSWORD_RESET_TTL_SECONDS } from "../../accounts/password-resets.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { issuePasswordReset } from "../../server/routes/accounts.ts";
import { openStore, storeOptionsFromEnv } from "../../store/node/open-store.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";

const DEFAULT_URL = "http://127.0.0.1:4321/";

export const accountCommand: Command = {
  help: `controlroom account reset <email> [--data <dir>] [--url URL]

Prints a one-time link that sets a new password for the account with <email>: the studio
sends no mail, so its owner hands the link over. The link works once, for ${PASSWORD_RESET_TTL_SECONDS / 3600} hours;
using it ends the account's sessions. Only the hash of its token is kept.

Works on the studio's database directly, as serve does: the embedded database in --data
(stop the server first: the embedded database belongs to one process), or the PostgreSQL
server DATABASE_URL names (the server may keep running).

  --data <dir>  the data folder (default .controlroom)
  --url URL     the studio's address, as people reach it (default CONTROLROOM_URL, else
                ${DEFAULT_URL})`,
  async run(argv) {
    const { values, positionals } = parseCommandLine("account", argv, {
      data: { type: "string" },
      url: { type: "string" },
    });
    const action = requirePositional("account", positionals, "what to do (reset)");
    if (action !== "reset") {
      throw new ControlRoomError(
        "E_USAGE",
        `account: "${action}" is not something account does; try controlroom account reset <email>`,
        "account",
      );
    }
    const email = requirePositional("account", positionals, "the account's email", 1);
    const studioUrl = values.url ?? process.env.CONTROLROOM_URL ?? DEFAULT_URL;
    try {
      new URL(studioUrl);
    } catch {
      throw new ControlRoomError("E_USAGE", `account: --url "${studioUrl}" is not a URL`, "--url");
    }
    const store = await openStore(storeOptionsFromEnv(process.env, values.data));
    try {
      const now = new Date();
      const issued = await issuePasswordReset(store, {
        email,
        studioUrl,
        now,
        audit: (accountId) =>
          auditEntry({
            at: now,
            actorId: null,
            event: "account.password-reset-issued",
            subject: `account:${accountId}`,
            outcome: "done",
            detail: { by: "controlroom account reset" },
          }),
      });
      console.log(
        `Password reset link for ${email} (works once, until ${issued.expiresAt.toISOString()}):\n${issued.link}`,
      );
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
