import { ControlRoomError } from "../music/errors.ts";
import type { Command } from "./command.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";

/**
 * The commands, each loaded only when it runs: type-stripping and loading every module the
 * commands need costs more than half a second, which `--help` and a quick `loudness` should
 * not pay. A command's help lives in `help/<command>.ts`, which imports nothing, so
 * `--help` loads no command at all.
 */
const COMMANDS: {
  name: string;
  usage: string;
  summary: string;
  help(): Promise<string>;
  load(): Promise<Command>;
}[] = [
  {
    name: "new",
    usage: "new <dir>",
    summary: "create an empty project folder",
    help: async () => (await import("./help/new.ts")).help,
    load: async () => (await import("./commands/new.ts")).newCommand,
  },
  {
    name: "add-track",
    usage: "add-track <dir> --audio <file>",
    summary: "import an audio file as a new track",
    help: async () => (await import("./help/add-track.ts")).help,
    load: async () => (await import("./commands/add-track.ts")).addTrackCommand,
  },
  {
    name: "info",
    usage: "info <dir> [--json]",
    summary: "describe a project: song, tempo, sections, tracks, routing",
    help: async () => (await import("./help/info.ts")).help,
    load: async () => (await import("./commands/info.ts")).infoCommand,
  },
  {
    name: "arrange",
    usage: "arrange <dir> [--move S --after S]",
    summary: "show which track plays in which section; move, copy or cut sections",
    help: async () => (await import("./help/arrange.ts")).help,
    load: async () => (await import("./commands/arrange.ts")).arrangeCommand,
  },
  {
    name: "set",
    usage: "set <dir> <target> [value]",
    summary: "set what the console has: Bass.fader -3, Bass.eq.2 --freq 250, tempo 96",
    help: async () => (await import("./help/set.ts")).help,
    load: async () => (await import("./commands/set.ts")).setCommand,
  },
  {
    name: "render",
    usage: "render <dir> -o <file>",
    summary: "render the mix (and stems) to WAV, FLAC or MP3",
    help: async () => (await import("./help/render.ts")).help,
    load: async () => (await import("./commands/render.ts")).renderCommand,
  },
  {
    name: "loudness",
    usage: "loudness <file...> [--json]",
    summary: "measure loudness (BS.1770 / EBU R128) and what each platform will do",
    help: async () => (await import("./help/loudness.ts")).help,
    load: async () => (await import("./commands/loudness.ts")).loudnessCommand,
  },
  {
    name: "master",
    usage: "master <dir|file> --profile P -o <dir>",
    summary: "master a project or a mix file to delivery profiles",
    help: async () => (await import("./help/master.ts")).help,
    load: async () => (await import("./commands/master.ts")).masterCommand,
  },
  {
    name: "compare",
    usage: "compare <file> --reference <file>",
    summary: "compare a mix with a reference track: tonal balance, loudness, dynamics",
    help: async () => (await import("./help/compare.ts")).help,
    load: async () => (await import("./commands/compare.ts")).compareCommand,
  },
  {
    name: "room",
    usage: "room modes|rt60|plan|layout …",
    summary: "a room's modes, reverberation per band and a treatment plan in panels",
    help: async () => (await import("./help/room.ts")).help,
    load: async () => (await import("./commands/room.ts")).roomCommand,
  },
  {
    name: "ir",
    usage: "ir sweep|analyze …",
    summary: "measure a room: write a sweep, read EDT, T20, T30, C50, C80 from its recording",
    help: async () => (await import("./help/ir.ts")).help,
    load: async () => (await import("./commands/ir.ts")).irCommand,
  },
  {
    name: "import",
    usage: "import <file> <dir>",
    summary: "make a project from a MIDI file or a DAWproject",
    help: async () => (await import("./help/import.ts")).help,
    load: async () => (await import("./commands/import.ts")).importCommand,
  },
  {
    name: "export",
    usage: "export <dir> -o <file>",
    summary: "write the project for another tool: a chord sheet, MIDI, DAWproject",
    help: async () => (await import("./help/export.ts")).help,
    load: async () => (await import("./commands/export.ts")).exportCommand,
  },
  {
    name: "serve",
    usage: "serve [--port N] [--data <dir>]",
    summary: "run the studio server: embedded database, accounts, the API",
    help: async () => (await import("./help/serve.ts")).help,
    load: async () => (await import("./commands/serve.ts")).serveCommand,
  },
  {
    name: "account",
    usage: "account reset <email> [--data <dir>]",
    summary: "print a one-time password reset link for an account of the studio",
    help: async () => (await import("./help/account.ts")).help,
    load: async () => (await import("./commands/account.ts")).accountCommand,
  },
  {
    name: "worker",
    usage: "worker [--concurrency N] [--data <dir>]",
    summary: "run render, master and analysis jobs for a studio server sharing its database",
    help: async () => (await import("./help/worker.ts")).help,
    load: async () => (await import("./commands/worker.ts")).workerCommand,
  },
  {
    name: "push",
    usage: "push <dir> --server URL",
    summary: "move a project folder into the studio (a new project, or --project's next revision)",
    help: async () => (await import("./help/push.ts")).help,
    load: async () => (await import("./commands/push.ts")).pushCommand,
  },
  {
    name: "pull",
    usage: "pull <projectId> <dir> --server URL",
    summary: "write a studio project into a project folder",
    help: async () => (await import("./help/pull.ts")).help,
    load: async () => (await import("./commands/pull.ts")).pullCommand,
  },
  {
    name: "demo",
    usage: "demo [-o <file>]",
    summary: "build the demo song (first run) and render it",
    help: async () => (await import("./help/demo.ts")).help,
    load: async () => (await import("./commands/demo.ts")).demoCommand,
  },
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
    "Exit codes: 0 ok, 2 usage, 3 invalid project, 4 bad input file, 5 output not written, 1 bug.",
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
  try {
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(await command.help());
      return EXIT.ok;
    }
    return await (await command.load()).run(rest);
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
