import { loadProjectFolder, saveProjectFolder } from "../../formats/node/project-folder.ts";
import { consoleEdit } from "../../music/console-settings.ts";
import { applyOperation } from "../../music/operations.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/set.ts";

const text = { type: "string" } as const;
const flag = { type: "boolean" } as const;
const OPTIONS = {
  freq: text,
  gain: text,
  q: text,
  type: text,
  slope: text,
  threshold: text,
  ratio: text,
  knee: text,
  attack: text,
  release: text,
  makeup: text,
  detection: text,
  sidechain: text,
  level: text,
  at: text,
  meter: text,
  name: text,
  colour: text,
  pre: flag,
  post: flag,
  on: flag,
  off: flag,
  json: flag,
} as const;

export const setCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("set", withNegativeNumbers(argv), OPTIONS);
    const dir = requirePositional("set", positionals, "<dir>");
    const target = requirePositional("set", positionals, "<target>", 1);
    const { json, ...fields } = values;
    const project = await loadProjectFolder(dir);
    const edit = consoleEdit(project, {
      target,
      value: positionals.slice(2).join(" ") || undefined,
      fields,
    });
    if (edit.operation !== null) {
      const { project: changed } = applyOperation(project, edit.operation);
      await saveProjectFolder(dir, changed);
    }
    if (json) {
      console.log(JSON.stringify({ ok: true, saved: edit.operation !== null, ...edit }, null, 2));
    } else if (edit.changes.length === 0) {
      console.log(`nothing to change: ${target} already is what was asked`);
    } else {
      const width = Math.max(...edit.changes.map((c) => c.setting.length));
      for (const c of edit.changes)
        console.log(`${c.setting.padEnd(width)}  ${c.before} → ${c.after}`);
      console.log(`saved ${dir} (a new revision in revisions/)`);
    }
    return EXIT.ok;
  },
};

const NEGATIVE = /^-(\d|\.\d|inf$)/i;

/**
 * `Bass.fader -3` and `--gain -3` as a person types them: parseArgs would read `-3` as a
 * flag, so a negative number after a flag that takes a value joins it (`--gain=-3`), and
 * one elsewhere is put after `--`, where parseArgs takes everything as a positional.
 */
function withNegativeNumbers(argv: string[]): string[] {
  const args: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (NEGATIVE.test(token)) {
      const previous = args[args.length - 1];
      const name = previous?.startsWith("--") ? previous.slice(2) : undefined;
      if (
        name !== undefined &&
        !name.includes("=") &&
        OPTIONS[name as keyof typeof OPTIONS]?.type === "string"
      ) {
        args[args.length - 1] = `${previous}=${token}`;
      } else positionals.push(token);
      continue;
    }
    args.push(token);
  }
  return positionals.length > 0 ? [...args, "--", ...positionals] : args;
}
