import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderProject } from "../../engine/node/render-project.ts";
import { generateDemoSong } from "../../examples/demo-song/generate.ts";
import { loadProjectFolder } from "../../formats/node/project-folder.ts";
import { type Command, parseCommandLine } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/demo.ts";
import { progressBar } from "../progress.ts";
import { describeRender } from "./render.ts";

const DEMO_DIR = fileURLToPath(new URL("../../examples/demo-song/", import.meta.url));

export const demoCommand: Command = {
  help,
  async run(argv) {
    const { values } = parseCommandLine("demo", argv, {
      output: { type: "string", short: "o" },
      json: { type: "boolean" },
    });
    const exists = await access(path.join(DEMO_DIR, "project.json")).then(
      () => true,
      () => false,
    );
    if (!exists) {
      if (!values.json)
        console.log(`generating the demo song in ${path.relative(process.cwd(), DEMO_DIR) || "."}`);
      await generateDemoSong(DEMO_DIR);
    }
    const output = values.output ?? path.join("out", "demo-mix.wav");
    await mkdir(path.dirname(path.resolve(output)), { recursive: true });
    const project = await loadProjectFolder(DEMO_DIR);
    const progress = progressBar("rendering the demo", !values.json);
    const report = await renderProject(DEMO_DIR, project, {
      output,
      format: "wav",
      bitDepth: 24,
      onProgress: (done, total) => progress.update(done, total),
    }).finally(() => progress.stop());
    if (values.json) console.log(JSON.stringify({ ok: true, ...report }, null, 2));
    else {
      console.log(`"${project.song.title}": ${project.tracks.length} tracks`);
      console.log(describeRender(report));
      console.log(
        `\nNext: controlroom info ${path.relative(process.cwd(), DEMO_DIR)}  ·  controlroom render --help`,
      );
    }
    return EXIT.ok;
  },
};
