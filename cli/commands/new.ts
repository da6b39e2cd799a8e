import { createProjectFolder } from "../../formats/node/project-folder.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/new.ts";

export const newCommand: Command = {
  help,
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
