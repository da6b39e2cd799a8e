import { auditEntry } from "../../accounts/audit.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { issuePasswordReset } from "../../server/routes/accounts.ts";
import { openStore, storeOptionsFromEnv } from "../../store/node/open-store.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { DEFAULT_URL, help } from "../help/account.ts";

export const accountCommand: Command = {
  help,
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
