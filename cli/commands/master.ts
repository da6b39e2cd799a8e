import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MasterReport, MasterSource, masterToProfile } from "../../engine/node/master.ts";
import { renderProject } from "../../engine/node/render-project.ts";
import { decodeToWav } from "../../formats/node/audio-import.ts";
import { writeFileAtomic } from "../../formats/node/pending-file.ts";
import { loadProjectFolder } from "../../formats/node/project-folder.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { deliveryProfiles } from "../../production/delivery/profiles.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { db, signedDb, table } from "../format-table.ts";
import { help } from "../help/master.ts";
import { progressBar } from "../progress.ts";

export const masterCommand: Command = {
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine("master", argv, {
      profile: { type: "string" },
      output: { type: "string", short: "o" },
      json: { type: "boolean" },
    });
    const input = requirePositional("master", positionals, "<dir|file>");
    const profileList = requirePositional(
      "master",
      values.profile === undefined ? [] : [values.profile],
      "--profile",
    );
    const outDir = requirePositional(
      "master",
      values.output === undefined ? [] : [values.output],
      "-o <dir>",
    );
    const profiles = deliveryProfiles(profileList);
    const reports = await masterAll(input, profiles, outDir, !values.json);
    if (values.json) console.log(JSON.stringify({ ok: true, masters: reports }, null, 2));
    else console.log(describeMasters(reports));
    return reports.every((r) => r.pass) ? EXIT.ok : EXIT.output;
  },
};

/**
 * Renders or decodes the input to a float WAV once, reads and analyses it once, then masters
 * it to every profile (reports in the order asked).
 */
export async function masterAll(
  input: string,
  profiles: ReturnType<typeof deliveryProfiles>,
  outDir: string,
  showProgress: boolean,
  names?: (profile: { name: string; format: string }) => string,
): Promise<MasterReport[]> {
  const work = await mkdtemp(path.join(tmpdir(), "controlroom-mix-"));
  try {
    const { mix, title } = await mixOf(input, work, showProgress);
    await mkdir(outDir, { recursive: true });
    // One reading and one loudness analysis for every profile; profiles of one rate in a row
    // share the conversion and the limiter's true-peak readings too.
    const source = MasterSource.open(mix);
    const order = profiles.map((profile, index) => ({ profile, index }));
    order.sort((a, b) => a.profile.sampleRate - b.profile.sampleRate || a.index - b.index);
    const reports: MasterReport[] = new Array(profiles.length);
    for (const { profile, index } of order) {
      const file = path.join(
        outDir,
        names?.(profile) ?? `${title} - ${profile.name}.${profile.format}`,
      );
      const progress = progressBar(`mastering for ${profile.name}`, showProgress);
      const report = await masterToProfile(source, profile, file, (f) =>
        progress.update(Math.round(f * 1000), 1000),
      ).finally(() => progress.stop());
      const json = `${file.slice(0, -path.extname(file).length)}.json`;
      writeFileAtomic(json, new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
      reports[index] = report;
    }
    return reports;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function mixOf(
  input: string,
  work: string,
  showProgress: boolean,
): Promise<{ mix: string; title: string }> {
  let isFolder = false;
  try {
    isFolder = (await stat(input)).isDirectory();
  } catch {
    throw new ControlRoomError("E_AUDIO_MISSING", `${input} does not exist`, input);
  }
  if (isFolder) {
    const project = await loadProjectFolder(input);
    const mix = path.join(work, "mix.wav");
    const progress = progressBar("rendering the mix", showProgress);
    await renderProject(input, project, {
      output: mix,
      format: "wav",
      bitDepth: "32f",
      onProgress: (done, total) => progress.update(done, total),
    }).finally(() => progress.stop());
    return { mix, title: safeName(project.song.title) };
  }
  return {
    mix: await decodeToWav(input, work),
    title: safeName(path.basename(input, path.extname(input))),
  };
}

function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N} ._-]+/gu, "_").trim() || "master";
}

export function describeMasters(reports: MasterReport[]): string {
  const rows = reports.map((r) => [
    r.name,
    `${r.format.toUpperCase()} ${r.bitDepth}-bit ${r.sampleRate / 1000} kHz`,
    signedDb(r.gainDb),
    db(r.loudness.integratedLufs, "LUFS"),
    db(r.loudness.loudnessRangeLu, "LU"),
    db(r.loudness.truePeakDbtp, "dBTP", 2),
    r.pass ? "pass" : "FAIL",
  ]);
  const lines = [
    table(["Profile", "file", "gain", "integrated", "LRA", "true peak", ""], rows, ""),
  ];
  for (const r of reports) {
    lines.push(`${r.pass ? "  " : "✗ "}${r.output}`);
    for (const reason of r.reasons) lines.push(`    ${reason}`);
  }
  return lines.join("\n");
}
