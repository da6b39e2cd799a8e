import { type ParseArgsConfig, parseArgs } from "node:util";
import { ControlRoomError } from "../music/errors.ts";

/** A command's help and what it does; its name, usage line and summary are in cli/main.ts. */
export interface Command {
  help: string;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, with its errors turned into one E_USAGE line that names the command. */
export function parseCommandLine<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ControlRoomError(
      "E_USAGE",
      `${command}: ${(error as Error).message.replace(/\. To specify a positional.*$/s, "")}; see controlroom ${command} --help`,
      command,
    );
  }
}

export function requirePositional(
  command: string,
  positionals: string[],
  what: string,
  index = 0,
): string {
  const value = positionals[index];
  if (value === undefined) {
    throw new ControlRoomError(
      "E_USAGE",
      `${command}: missing ${what}; see controlroom ${command} --help`,
      what,
    );
  }
  return value;
}

/** A whole-number flag within [min, max], or undefined when it was not given. */
export function optionalInteger(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ControlRoomError(
      "E_USAGE",
      `${flag} "${text}" must be a whole number from ${min} to ${max}`,
      flag,
    );
  }
  return value;
}
