import { ControlRoomError } from "../music/errors.ts";
import type { Command } from "./command.ts";
import { addTrackCommand } from "./commands/add-track.ts";
import { compareCommand } from "./commands/compare.ts";
import { demoCommand } from "./commands/demo.ts";
import { infoCommand } from "./commands/info.ts";
import { loudnessCommand } from "./commands/loudness.ts";
import { masterCommand } from "./commands/master.ts";
import { newCommand } from "./commands/new.ts";
import { renderCommand } from "./commands/render.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";

const COMMANDS: Command[] = [
  newCommand,
  addTrackCommand,
  infoCommand,
  renderCommand,
  loudnessCommand,
  masterCommand,
  compareCommand,
  demoCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    "controlroom: the producer's plan and the engineer's session in one project",
    "",
    "Usage:",
    ...COMMANDS.map((c) => `  controlroom ${c.usage.padEnd(width)}  ${c.summary}`),
    "",
    "Run `controlroom <command> --help` for a command's options.",
    "Exit codes: 0 ok, 2 usage, 3 invalid project, 4 bad audio file, 5 output not written, 1 bug.",
  ].join("\n");
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`E_USAGE: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const code = exitCodeFor(error);
    if (error instanceof ControlRoomError) {
      const json = rest.includes("--json");
      if (json)
        console.log(
          JSON.stringify({
            ok: false,
            error: { code: error.code, subject: error.subject, message: error.message },
          }),
        );
      else console.error(error.toLine());
    } else {
      console.error(`controlroom ${name} failed unexpectedly; this is a bug:`);
      console.error(error);
    }
    return code;
  }
}
