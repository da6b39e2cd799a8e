import { createProjectFolder } from "../../formats/node/project-folder.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";

export const newCommand: Command = {
  help: `controlroom new <dir> [--title T] [--sample-rate N] [--json]

Creates <dir>/project.json (120 BPM, 4/4, 48 kHz unless told otherwise) and <dir>/audio/.
Refuses a folder that already holds a project.

  --title T          song title (default: the folder name)
  --sample-rate N    project sample rate in Hz (default 48000)
  --json             print the result as JSON`,
  async run(argv) {
    const { values, positionals } = parseCommandLine("new", argv, {
      title: { type: "string" },
      "sample-rate": { type: "string" },
      json: { type: "boolean" },
    });
    const dir = requirePositional("new", positionals, "<dir>");
    const song: { title?: string; sampleRate?: number } = {};
    if (values.title !== undefined) song.title = values.title;
    if (values["sample-rate"] !== undefined) song.sampleRate = Number(values["sample-rate"]);
    const project = await createProjectFolder(dir, song);
    if (values.json) console.log(JSON.stringify({ ok: true, dir, song: project.song }));
    else console.log(`created ${dir}: "${project.song.title}", ${project.song.sampleRate} Hz`);
    return EXIT.ok;
  },
};
