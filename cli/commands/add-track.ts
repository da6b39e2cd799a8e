import { importAudioFile } from "../../formats/node/audio-import.ts";
import { loadProjectFolder, saveProjectFolder } from "../../formats/node/project-folder.ts";
import { addAudioTrack } from "../../music/edits.ts";
import { History } from "../../music/history.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/add-track.ts";

export const addTrackCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("add-track", argv, {
      audio: { type: "string" },
      name: { type: "string" },
      json: { type: "boolean" },
    });
    const dir = requirePositional("add-track", positionals, "<dir>");
    const audio = requirePositional(
      "add-track",
      values.audio === undefined ? [] : [values.audio],
      "--audio <file>",
    );
    const project = await loadProjectFolder(dir);
    const source = await importAudioFile(dir, audio);
    const history = new History(project);
    const { trackId } = addAudioTrack(history, source, values.name);
    await saveProjectFolder(dir, history.project);
    const track = history.project.tracks.find((t) => t.id === trackId)!;
    const seconds = source.frames / source.sampleRate;
    if (values.json) console.log(JSON.stringify({ ok: true, track, source }));
    else
      console.log(
        `added track "${track.name}" from ${source.file}: ${source.channels} ch, ${source.sampleRate} Hz, ${seconds.toFixed(2)} s`,
      );
    return EXIT.ok;
  },
};
