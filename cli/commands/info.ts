import { planMix } from "../../engine/mix/mix-plan.ts";
import { loadProjectFolder } from "../../formats/node/project-folder.ts";
import { bpmText } from "../../music/console-settings.ts";
import type { Project } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { table } from "../format-table.ts";
import { help } from "../help/info.ts";

export const infoCommand: Command = {
  help,
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
    audioClips: project.tracks.reduce((n, t) => n + t.clips.length, 0),
    noteClips: project.tracks.reduce((n, t) => n + t.noteClips.length, 0),
  };
}

function describe(project: Project, summary: ReturnType<typeof summarize>): string {
  const tempo = new TempoMap(project.tempo);
  const time = (seconds: number) =>
    `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(3).padStart(6, "0")}`;
  const bar = (tick: number) => {
    const p = tempo.tickToBarPosition(tick);
    return `${p.bar}.${p.beat}`;
  };
  const names = new Map(project.tracks.map((t) => [t.id, t.name]));
  const lines = [
    `${project.song.title}${project.song.artist ? ` by ${project.song.artist}` : ""}`,
    `  ${project.song.sampleRate} Hz, length ${time(summary.durationSeconds)}`,
    `  tempo ${project.tempo.changes.map((c) => `${bpmText(c.bpm)} at bar ${bar(c.tick)}`).join(", ")}`,
    `  meter ${project.tempo.timeSignatures.map((s) => `${s.numerator}/${s.denominator} at bar ${bar(s.tick)}`).join(", ")}`,
  ];
  if (project.sections.length > 0) {
    lines.push(`Sections (${project.sections.length})`);
    lines.push(
      table(
        ["Section", "From bar", "To bar"],
        project.sections.map((s) => [s.name, bar(s.startTick), bar(s.startTick + s.lengthTicks)]),
      ),
    );
  }
  lines.push(
    `Tracks (${project.tracks.length}): ${count(summary.audioClips, "audio clip")}, ${count(summary.noteClips, "note clip")}`,
  );
  const rows = project.tracks.map((t) => {
    const s = t.strip;
    const clips = t.kind === "instrument" ? t.noteClips.length : t.clips.length;
    const flags = [s.mute && "muted", s.solo && "solo", s.soloSafe && "solo-safe"].filter(
      (f): f is string => typeof f === "string",
    );
    const processing = [
      ...flags,
      s.highPass.enabled && `HPF ${s.highPass.frequency} Hz`,
      s.lowPass.enabled && `LPF ${s.lowPass.frequency} Hz`,
      s.eq.some((b) => b.enabled && b.gainDb !== 0) &&
        `EQ on ${s.eq.filter((b) => b.enabled && b.gainDb !== 0).length} of 4 bands`,
      s.compressor.enabled &&
        `comp ${s.compressor.ratio}:1 at ${s.compressor.thresholdDb} dB${s.compressor.sidechainTrackId ? ` keyed by ${names.get(s.compressor.sidechainTrackId)}` : ""}`,
      ...s.sends.map(
        (send) =>
          `send ${send.levelDb} dB ${send.preFader ? "pre" : "post"} → ${names.get(send.busId)}`,
      ),
    ].filter((p): p is string => typeof p === "string");
    return [
      t.name,
      t.kind,
      t.kind === "bus" ? "" : String(clips),
      `${s.faderDb.toFixed(1)} dB`,
      `${s.pan.toFixed(2)} (${s.panLaw})`,
      t.output === "master" ? "master" : (names.get(t.output) ?? t.output),
      processing.join(", "),
    ];
  });
  if (rows.length > 0) {
    lines.push(
      table(["Track", "Kind", "Clips", "Fader", "Pan", "Output", "Processing"], rows, "  ", [
        "left",
        "left",
        "right",
        "right",
        "right",
        "left",
        "left",
      ]),
    );
  }
  const limiter = project.master.limiter;
  lines.push(
    `Master  fader ${project.master.strip.faderDb.toFixed(1)} dB, limiter ${limiter.enabled ? `${limiter.ceilingDb} dBFS ceiling, ${limiter.lookaheadMs} ms look-ahead` : "off"}`,
  );
  lines.push(`Sources (${project.sources.length})`);
  if (project.sources.length > 0) {
    lines.push(
      table(
        ["File", "Channels", "Rate", "Length"],
        project.sources.map((s) => [
          s.file,
          String(s.channels),
          `${s.sampleRate} Hz`,
          time(s.frames / s.sampleRate),
        ]),
      ),
    );
  }
  return lines.join("\n");
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
