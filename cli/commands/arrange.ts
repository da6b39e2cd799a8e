import { loadProjectFolder, saveProjectFolder } from "../../formats/node/project-folder.ts";
import { type Arrangement, arrangementMatrix } from "../../music/arrangement.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { History } from "../../music/history.ts";
import type { Operation } from "../../music/operations.ts";
import type { Project } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { clock, table } from "../format-table.ts";
import { help } from "../help/arrange.ts";

export const arrangeCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("arrange", argv, {
      move: { type: "string" },
      after: { type: "string" },
      before: { type: "string" },
      duplicate: { type: "string" },
      delete: { type: "string" },
      on: { type: "string", multiple: true },
      off: { type: "string", multiple: true },
      json: { type: "boolean" },
    });
    const dir = requirePositional("arrange", positionals, "<dir>");
    const project = await loadProjectFolder(dir);
    const operations = edits(project, values);
    let result = project;
    if (operations.length > 0) {
      const history = new History(project);
      result = history.apply(
        operations.length === 1 ? operations[0] : { type: "batch", ops: operations },
      );
      await saveProjectFolder(dir, result);
    }
    const matrix = arrangementMatrix(result);
    if (values.json) console.log(JSON.stringify({ ok: true, ...matrix }, null, 2));
    else console.log(describeArrangement(result, matrix));
    return EXIT.ok;
  },
};

interface EditFlags {
  move?: string;
  after?: string;
  before?: string;
  duplicate?: string;
  delete?: string;
  on?: string[];
  off?: string[];
}

function edits(project: Project, values: EditFlags): Operation[] {
  const ops: Operation[] = [];
  if (values.move !== undefined) {
    const section = findSection(project, values.move, "--move");
    const anchor = values.after ?? values.before;
    if (anchor === undefined) {
      throw new ControlRoomError(
        "E_USAGE",
        "arrange: --move needs --after <section> or --before <section>",
        "--move",
      );
    }
    const target = findSection(
      project,
      anchor,
      values.after !== undefined ? "--after" : "--before",
    );
    const toTick =
      values.after !== undefined ? target.startTick + target.lengthTicks : target.startTick;
    ops.push({ type: "section.move", sectionId: section.id, toTick });
  }
  if (values.duplicate !== undefined) {
    ops.push({
      type: "section.duplicate",
      sectionId: findSection(project, values.duplicate, "--duplicate").id,
    });
  }
  if (values.delete !== undefined) {
    ops.push({
      type: "section.delete",
      sectionId: findSection(project, values.delete, "--delete").id,
    });
  }
  for (const [flag, playing] of [
    ["--on", true],
    ["--off", false],
  ] as const) {
    for (const cell of (playing ? values.on : values.off) ?? []) {
      const at = cell.lastIndexOf("@");
      if (at <= 0) {
        throw new ControlRoomError(
          "E_USAGE",
          `arrange: ${flag} "${cell}" should read <track>@<section>`,
          flag,
        );
      }
      const track = findTrack(project, cell.slice(0, at), flag);
      const section = findSection(project, cell.slice(at + 1), flag);
      ops.push({ type: "arrangement.set", trackId: track.id, sectionId: section.id, playing });
    }
  }
  return ops;
}

function findSection(project: Project, name: string, flag: string) {
  const wanted = name.trim().toLowerCase();
  const section =
    project.sections.find((s) => s.id === name) ??
    project.sections.find((s) => s.name.toLowerCase() === wanted);
  if (!section) {
    const known = project.sections.map((s) => s.name).join(", ") || "none";
    throw new ControlRoomError(
      "E_USAGE",
      `arrange: ${flag}: there is no section "${name}" (sections: ${known})`,
      flag,
    );
  }
  return section;
}

function findTrack(project: Project, name: string, flag: string) {
  const wanted = name.trim().toLowerCase();
  const track =
    project.tracks.find((t) => t.id === name) ??
    project.tracks.find((t) => t.name.toLowerCase() === wanted);
  if (!track) {
    const known = project.tracks.map((t) => t.name).join(", ") || "none";
    throw new ControlRoomError(
      "E_USAGE",
      `arrange: ${flag}: there is no track "${name}" (tracks: ${known})`,
      flag,
    );
  }
  return track;
}

export function describeArrangement(project: Project, matrix: Arrangement): string {
  if (matrix.sections.length === 0) {
    return `"${project.song.title}" has no sections yet; they come with an import or an edit.`;
  }
  const tempo = new TempoMap(project.tempo);
  const header = ["", ...matrix.sections.map((s) => s.name)];
  const starts = [
    "",
    ...matrix.sections.map(
      (s) =>
        `bar ${tempo.tickToBarPosition(s.startTick).bar} · ${clock(tempo.ticksToSeconds(s.startTick))}`,
    ),
  ];
  const rows = matrix.tracks.map((track, t) => [
    track.name,
    ...matrix.cells[t].map((cell) =>
      cell.playing ? (cell.notes > 0 ? `● ${cell.notes}` : "●") : "·",
    ),
  ]);
  return table(header, [starts, ...rows]);
}
