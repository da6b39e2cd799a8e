import { planMix } from "../../engine/mix/mix-plan.ts";
import { loadProjectFolder } from "../../formats/node/project-folder.ts";
import type { Project } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";

export const infoCommand: Command = {
  help: `controlroom info <dir> [--json]

Reads and validates <dir>/project.json and prints what it holds.

  --json   print a machine-readable summary`,
  async run(argv) {
    const { values, positionals } = parseCommandLine("info", argv, { json: { type: "boolean" } });
    const dir = requirePositional("info", positionals, "<dir>");
    const project = await loadProjectFolder(dir);
    const summary = summarize(project);
    if (values.json) console.log(JSON.stringify({ ok: true, ...summary, project }, null, 2));
    else console.log(describe(project, summary));
    return EXIT.ok;
  },
};

function summarize(project: Project) {
  const plan = planMix(project, project.song.sampleRate);
  const seconds = plan.endFrame / project.song.sampleRate;
  return {
    durationSeconds: seconds,
    tracks: project.tracks.length,
    sources: project.sources.length,
  };
}

function describe(project: Project, summary: ReturnType<typeof summarize>): string {
  const tempo = new TempoMap(project.tempo);
  const clock = (seconds: number) =>
    `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(3).padStart(6, "0")}`;
  const bar = (tick: number) => {
    const p = tempo.tickToBarPosition(tick);
    return `${p.bar}.${p.beat}`;
  };
  const names = new Map(project.tracks.map((t) => [t.id, t.name]));
  const lines = [
    `${project.song.title}${project.song.artist ? ` by ${project.song.artist}` : ""}`,
    `  ${project.song.sampleRate} Hz, length ${clock(summary.durationSeconds)}`,
    `  tempo ${project.tempo.changes.map((c) => `${c.bpm} BPM at bar ${bar(c.tick)}`).join(", ")}`,
    `  meter ${project.tempo.timeSignatures.map((s) => `${s.numerator}/${s.denominator} at bar ${bar(s.tick)}`).join(", ")}`,
  ];
  if (project.sections.length > 0) {
    lines.push("Sections");
    for (const s of project.sections)
      lines.push(
        `  ${s.name.padEnd(16)} bar ${bar(s.startTick)} – ${bar(s.startTick + s.lengthTicks)}`,
      );
  }
  lines.push(`Tracks (${project.tracks.length})`);
  for (const t of project.tracks) {
    const s = t.strip;
    const flags = [s.mute && "muted", s.solo && "solo", s.soloSafe && "solo-safe"]
      .filter(Boolean)
      .join(", ");
    const processing = [
      s.highPass.enabled && `HPF ${s.highPass.frequency} Hz`,
      s.lowPass.enabled && `LPF ${s.lowPass.frequency} Hz`,
      s.eq.some((b) => b.enabled && b.gainDb !== 0) &&
        `EQ on ${s.eq.filter((b) => b.enabled && b.gainDb !== 0).length} of 4 bands`,
      s.compressor.enabled &&
        `comp ${s.compressor.ratio}:1 at ${s.compressor.thresholdDb} dB${s.compressor.sidechainTrackId ? ` keyed by ${names.get(s.compressor.sidechainTrackId)}` : ""}`,
    ].filter(Boolean);
    const out = t.output === "master" ? "master" : names.get(t.output);
    lines.push(
      `  ${t.name.padEnd(16)} ${t.kind.padEnd(6)} ${String(t.clips.length).padStart(2)} clip(s)  fader ${s.faderDb.toFixed(1)} dB  pan ${s.pan.toFixed(2)} (${s.panLaw})  → ${out}${flags ? `  [${flags}]` : ""}`,
    );
    if (processing.length > 0) lines.push(`  ${"".padEnd(16)} ${processing.join(", ")}`);
    for (const send of s.sends) {
      lines.push(
        `  ${"".padEnd(16)} send ${send.levelDb} dB ${send.preFader ? "pre" : "post"}-fader → ${names.get(send.busId)}`,
      );
    }
  }
  const limiter = project.master.limiter;
  lines.push(
    `Master  fader ${project.master.strip.faderDb.toFixed(1)} dB, limiter ${limiter.enabled ? `${limiter.ceilingDb} dBFS ceiling, ${limiter.lookaheadMs} ms look-ahead` : "off"}`,
  );
  lines.push(`Sources (${project.sources.length})`);
  for (const s of project.sources) {
    lines.push(
      `  ${s.file.padEnd(24)} ${s.channels} ch  ${s.sampleRate} Hz  ${clock(s.frames / s.sampleRate)}`,
    );
  }
  return lines.join("\n");
}
