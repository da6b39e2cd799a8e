import { z } from "zod";
import { ControlRoomError } from "./errors.ts";
import type { Operation } from "./operations.ts";
import { MASTER, type Project, type Track } from "./project.ts";
import { type ChannelStrip, EqBandType, PanLaw, stripSettingSchema } from "./strip.ts";
import { type Tempo, TempoMap, TimeSignature } from "./tempo-map.ts";

/**
 * What the console has, in the words on its panel: `Bass.fader -3`, `Bass.eq.2 --freq 250
 * --gain -3`, `master.comp on`, `tempo 96`. A setting becomes the same operations the server
 * applies (`param.set`, `track.route`, `tempo.set`, `section.set`); one with several fields is
 * one `batch`, so it undoes in one step.
 */
export interface SettingRequest {
  /** `<track>.<setting>`, `master.<setting>`, `tempo` or `section.<section>`. */
  target: string;
  /** The main value: dB for a fader, Hz for a filter, on/off, a bus for an output. */
  value?: string;
  /** The setting's named fields (`freq`, `gain`, `q`, `pre`, …), as the user typed them. */
  fields?: Readonly<Record<string, string | boolean | undefined>>;
}

/** One value that a setting changes, as a person reads it. */
export interface SettingChange {
  setting: string;
  before: string;
  after: string;
}

export interface ConsoleEdit {
  /** What to apply, or null when every value already was what was asked. */
  operation: Operation | null;
  changes: SettingChange[];
}

/** The settings of a strip, by the names the command line takes, with what each accepts. */
export const STRIP_SETTINGS: readonly { name: string; takes: string }[] = [
  { name: "fader", takes: "dB" },
  { name: "pan", takes: "-1 (left) … 1 (right), or L30, C, R30" },
  { name: "pan-law", takes: PanLaw.options.join(", ") },
  { name: "trim", takes: "dB" },
  { name: "polarity", takes: "on (inverted) or off" },
  { name: "mute", takes: "on or off" },
  { name: "solo", takes: "on or off" },
  { name: "solo-safe", takes: "on or off" },
  { name: "hpf", takes: "Hz, on or off; --slope 12|24" },
  { name: "lpf", takes: "Hz, on or off; --slope 12|24" },
  { name: "eq.1 … eq.4", takes: "on or off; --freq, --gain, --q, --type" },
  {
    name: "comp",
    takes:
      "on or off; --threshold, --ratio, --knee, --attack, --release, --makeup, --detection, --sidechain",
  },
  { name: "send.<bus>", takes: "dB, on or off; --pre or --post" },
  { name: "output", takes: "a bus or master" },
];

/** Settings the master strip does not have: it feeds nothing, so it has no sends or output. */
const NOT_ON_MASTER = new Set(["solo", "solo-safe", "send", "output"]);

const FIELD_NAMES: Record<string, readonly string[]> = {
  eq: ["freq", "gain", "q", "type", "on", "off"],
  hpf: ["slope", "on", "off"],
  lpf: ["slope", "on", "off"],
  comp: [
    "threshold",
    "ratio",
    "knee",
    "attack",
    "release",
    "makeup",
    "detection",
    "sidechain",
    "on",
    "off",
  ],
  send: ["level", "pre", "post", "on", "off"],
  tempo: ["at", "meter"],
  section: ["name", "colour"],
};

/** Turns one setting into the operations that make it, checked against the project. */
export function consoleEdit(project: Project, request: SettingRequest): ConsoleEdit {
  const target = request.target.trim();
  const fields = Object.fromEntries(
    Object.entries(request.fields ?? {}).filter(([, v]) => v !== undefined && v !== false),
  ) as Record<string, string | true>;
  if (target.toLowerCase() === "tempo") return tempoEdit(project, request.value, fields);
  if (/^sections?\./i.test(target))
    return sectionEdit(project, target.slice(target.indexOf(".") + 1), request.value, fields);
  const { owner, setting } = splitTarget(project, target);
  return stripEdit(project, owner, setting, request.value, fields);
}

interface Owner {
  /** The track id, or `master`. */
  id: string;
  /** How a person names it: the track's name, or Master. */
  label: string;
  track: Track | null;
  strip: ChannelStrip;
}

/** Finds the track a target starts with (by name or id, any case); the rest is the setting. */
function splitTarget(project: Project, target: string): { owner: Owner; setting: string } {
  const lower = target.toLowerCase();
  const candidates: Owner[] = [
    { id: MASTER, label: "Master", track: null, strip: project.master.strip },
    ...project.tracks.map((t) => ({ id: t.id, label: t.name, track: t, strip: t.strip })),
  ];
  let best: { owner: Owner; length: number } | null = null;
  for (const owner of candidates) {
    for (const name of [owner.label, owner.id]) {
      const key = name.toLowerCase();
      const fits = lower === key || lower.startsWith(`${key}.`);
      if (fits && (best === null || key.length > best.length)) best = { owner, length: key.length };
    }
  }
  if (best === null) {
    const head = target.includes(".") ? target.slice(0, target.indexOf(".")) : target;
    throw new ControlRoomError(
      "E_SETTING_TRACK",
      `there is no track "${head}"; the tracks are ${trackList(project)}, and master (or tempo, section.<name>)`,
      head,
    );
  }
  const setting = target.slice(best.length + 1);
  if (setting === "") {
    throw new ControlRoomError(
      "E_SETTING_UNKNOWN",
      `say which setting of ${best.owner.label}: ${settingList(best.owner)}`,
      target,
    );
  }
  return { owner: best.owner, setting };
}

function trackList(project: Project): string {
  return project.tracks.length === 0
    ? "none yet"
    : project.tracks.map((t) => (t.kind === "bus" ? `${t.name} (bus)` : t.name)).join(", ");
}

function settingList(owner: Owner): string {
  return STRIP_SETTINGS.filter(
    (s) => !(owner.track === null && NOT_ON_MASTER.has(baseName(s.name))),
  )
    .map((s) => s.name)
    .join(", ");
}

function baseName(name: string): string {
  return name.split(".")[0];
}

/** Collects param.set operations for the values that differ, and how each reads. */
class EditBuilder {
  readonly operations: Operation[] = [];
  readonly changes: SettingChange[] = [];

  private readonly owner: Owner;
  private readonly label: string;

  constructor(owner: Owner, label: string) {
    this.owner = owner;
    this.label = label;
  }

  param(path: string, name: string, value: unknown, show: (v: never) => string): void {
    const before = readPath(this.owner.strip, path);
    if (sameValue(before, value)) return;
    checkSetting(path, value, `${this.owner.label} ${this.label}${name ? ` ${name}` : ""}`);
    this.operations.push({ type: "param.set", trackId: this.owner.id, path, value });
    this.changes.push({
      setting: `${this.owner.label} ${this.label}${name ? ` ${name}` : ""}`,
      before: show(before as never),
      after: show(value as never),
    });
  }

  edit(): ConsoleEdit {
    return { operation: combined(this.operations), changes: this.changes };
  }
}

function combined(operations: Operation[]): Operation | null {
  if (operations.length === 0) return null;
  return operations.length === 1 ? operations[0] : { type: "batch", ops: operations };
}

function stripEdit(
  project: Project,
  owner: Owner,
  setting: string,
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  const [head, ...rest] = setting.toLowerCase().split(".");
  const name = ALIASES[head] ?? head;
  const known = STRIP_SETTINGS.some((s) => baseName(s.name) === name);
  if (!known || (owner.track === null && NOT_ON_MASTER.has(name))) {
    throw new ControlRoomError(
      "E_SETTING_UNKNOWN",
      `${owner.label} has no setting "${setting}"; ${owner.track === null ? "the master strip has" : "a track has"} ${settingList(owner)}`,
      `${owner.label}.${setting}`,
    );
  }
  checkFields(`${owner.label}.${setting}`, name, fields);
  if (name !== "send" && name !== "eq" && rest.length > 0) {
    throw new ControlRoomError(
      "E_SETTING_UNKNOWN",
      `${owner.label} has no setting "${setting}"; did you mean ${owner.label}.${name}?`,
      `${owner.label}.${setting}`,
    );
  }
  const needValue = (what: string) => {
    if (value === undefined) {
      throw new ControlRoomError(
        "E_SETTING_VALUE",
        `${owner.label}.${name} needs a value: ${what}`,
        `${owner.label}.${name}`,
      );
    }
    return value;
  };
  const subject = `${owner.label}.${name}`;
  switch (name) {
    case "fader":
    case "trim": {
      const b = new EditBuilder(owner, name);
      b.param(
        name === "fader" ? "faderDb" : "trimDb",
        "",
        decibels(needValue("dB"), subject),
        dbText,
      );
      return b.edit();
    }
    case "pan": {
      const b = new EditBuilder(owner, "pan");
      b.param("pan", "", panValue(needValue("-1 … 1, L30, C or R30"), subject), panText);
      return b.edit();
    }
    case "pan-law": {
      const text = needValue(PanLaw.options.join(", "));
      const law = PanLaw.options.find((o) => o.toLowerCase() === text.toLowerCase());
      if (law === undefined) throw valueError(subject, text, `one of ${PanLaw.options.join(", ")}`);
      const b = new EditBuilder(owner, "pan law");
      b.param("panLaw", "", law, String);
      return b.edit();
    }
    case "polarity":
    case "mute":
    case "solo":
    case "solo-safe": {
      const path = {
        polarity: "invertPolarity",
        mute: "mute",
        solo: "solo",
        "solo-safe": "soloSafe",
      }[name];
      const b = new EditBuilder(owner, name);
      b.param(path, "", onOff(needValue("on or off"), subject), onOffText);
      return b.edit();
    }
    case "hpf":
    case "lpf":
      return passFilterEdit(owner, name, value, fields);
    case "eq":
      return eqEdit(owner, rest, value, fields);
    case "comp":
      return compressorEdit(project, owner, value, fields);
    case "send":
      return sendEdit(project, owner, setting.split(".").slice(1).join("."), value, fields);
    case "output":
      return outputEdit(project, owner, needValue("a bus or master"));
  }
  throw new Error(`unhandled setting ${name}`);
}

const ALIASES: Record<string, string> = {
  volume: "fader",
  gain: "trim",
  phase: "polarity",
  panlaw: "pan-law",
  solosafe: "solo-safe",
  "high-pass": "hpf",
  highpass: "hpf",
  "low-pass": "lpf",
  lowpass: "lpf",
  compressor: "comp",
  sends: "send",
  route: "output",
  routing: "output",
};

function checkFields(subject: string, name: string, fields: Record<string, string | true>): void {
  const allowed = FIELD_NAMES[name] ?? [];
  for (const field of Object.keys(fields)) {
    if (!allowed.includes(field)) {
      throw new ControlRoomError(
        "E_SETTING_FIELD",
        allowed.length === 0
          ? `${subject} takes a value and no --${field}`
          : `${subject} takes ${allowed.map((f) => `--${f}`).join(", ")}, not --${field}`,
        `--${field}`,
      );
    }
  }
  if (fields.on && fields.off) {
    throw new ControlRoomError("E_SETTING_FIELD", `${subject}: --on or --off, not both`, "--on");
  }
}

/** on/off from the value or the --on/--off flags; undefined when neither says. */
function enabledFrom(
  value: string | undefined,
  fields: Record<string, string | true>,
  subject: string,
): boolean | undefined {
  if (fields.on) return true;
  if (fields.off) return false;
  return value === undefined ? undefined : onOff(value, subject);
}

function passFilterEdit(
  owner: Owner,
  name: "hpf" | "lpf",
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  const subject = `${owner.label}.${name}`;
  const key = name === "hpf" ? "highPass" : "lowPass";
  const b = new EditBuilder(owner, name === "hpf" ? "high-pass" : "low-pass");
  const isNumber = value !== undefined && !isOnOff(value);
  let enabled = enabledFrom(isNumber ? undefined : value, fields, subject);
  if (isNumber) b.param(`${key}.frequency`, "frequency", hertz(value, subject), hzText);
  if (typeof fields.slope === "string") {
    const slope = Number(fields.slope.replace(/\s*dB(\/oct)?$/i, ""));
    if (slope !== 12 && slope !== 24)
      throw valueError(`${subject} --slope`, fields.slope, "12 or 24 (dB per octave)");
    b.param(`${key}.slope`, "slope", slope, (v: number) => `${v} dB/oct`);
  }
  if (enabled === undefined && (isNumber || fields.slope !== undefined)) enabled = true;
  if (enabled === undefined) throw valueError(subject, value ?? "", "a frequency in Hz, on or off");
  b.param(`${key}.enabled`, "", enabled, onOffText);
  return b.edit();
}

function eqEdit(
  owner: Owner,
  rest: string[],
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  const band = rest.length === 1 && /^[1-4]$/.test(rest[0]) ? Number(rest[0]) : null;
  if (band === null) {
    throw new ControlRoomError(
      "E_SETTING_UNKNOWN",
      `the EQ has bands eq.1 to eq.4 (low to high), not "eq${rest.length ? `.${rest.join(".")}` : ""}"`,
      `${owner.label}.eq`,
    );
  }
  const subject = `${owner.label}.eq.${band}`;
  const index = band - 1;
  const b = new EditBuilder(owner, `EQ ${band}`);
  const shaped = ["freq", "gain", "q", "type"].some((f) => fields[f] !== undefined);
  let enabled = enabledFrom(value, fields, subject);
  if (typeof fields.type === "string") {
    const wanted = fields.type.toLowerCase().replace(/[-_ ]/g, "");
    const type = EqBandType.options.find((t) => t.toLowerCase() === wanted);
    if (type === undefined)
      throw valueError(`${subject} --type`, fields.type, "low-shelf, peak or high-shelf");
    b.param(`eq.${index}.type`, "type", type, String);
  }
  if (typeof fields.freq === "string")
    b.param(`eq.${index}.frequency`, "frequency", hertz(fields.freq, `${subject} --freq`), hzText);
  if (typeof fields.gain === "string")
    b.param(`eq.${index}.gainDb`, "gain", decibels(fields.gain, `${subject} --gain`), dbText);
  if (typeof fields.q === "string")
    b.param(`eq.${index}.q`, "Q", plainNumber(fields.q, `${subject} --q`), (v: number) =>
      v.toFixed(2),
    );
  // Shaping a band that is off turns it on: the engineer wants to hear what they set.
  if (enabled === undefined && shaped) enabled = true;
  if (enabled === undefined)
    throw valueError(subject, value ?? "", "on, off, or --freq/--gain/--q/--type");
  b.param(`eq.${index}.enabled`, "", enabled, onOffText);
  return b.edit();
}

function compressorEdit(
  project: Project,
  owner: Owner,
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  const subject = `${owner.label}.comp`;
  const b = new EditBuilder(owner, "compressor");
  const numbers: [string, string, string, (v: number) => string][] = [
    ["threshold", "thresholdDb", "threshold", dbText],
    ["ratio", "ratio", "ratio", (v) => `${trimmed(v, 2)}:1`],
    ["knee", "kneeDb", "knee", dbText],
    ["attack", "attackMs", "attack", msText],
    ["release", "releaseMs", "release", msText],
    ["makeup", "makeupDb", "make-up", dbText],
  ];
  let shaped = false;
  for (const [field, key, name, show] of numbers) {
    const text = fields[field];
    if (typeof text !== "string") continue;
    shaped = true;
    const parsed =
      field === "ratio"
        ? plainNumber(text.replace(/:1$/, ""), `${subject} --ratio`)
        : field === "attack" || field === "release"
          ? milliseconds(text, `${subject} --${field}`)
          : decibels(text, `${subject} --${field}`);
    b.param(`compressor.${key}`, name, parsed, show);
  }
  if (typeof fields.detection === "string") {
    shaped = true;
    const detection = fields.detection.toLowerCase();
    if (detection !== "peak" && detection !== "rms")
      throw valueError(`${subject} --detection`, fields.detection, "peak or rms");
    b.param("compressor.detection", "detection", detection, String);
  }
  if (typeof fields.sidechain === "string") {
    shaped = true;
    const key = /^(none|off|self)$/i.test(fields.sidechain)
      ? null
      : findTrack(project, fields.sidechain, `${subject} --sidechain`).id;
    if (key !== null && key === owner.id)
      throw valueError(`${subject} --sidechain`, fields.sidechain, "another track, or none");
    const name = (id: string | null) =>
      id === null ? "none" : (project.tracks.find((t) => t.id === id)?.name ?? id);
    b.param("compressor.sidechainTrackId", "key", key, name);
  }
  let enabled = enabledFrom(value, fields, subject);
  if (enabled === undefined && shaped) enabled = true;
  if (enabled === undefined)
    throw valueError(subject, value ?? "", "on, off, or its --threshold, --ratio, …");
  b.param("compressor.enabled", "", enabled, onOffText);
  return b.edit();
}

function sendEdit(
  project: Project,
  owner: Owner,
  busName: string,
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  const buses = project.tracks.filter((t) => t.kind === "bus" && t.id !== owner.id);
  const busList = buses.length ? buses.map((t) => t.name).join(", ") : "none (add a bus first)";
  const bus = buses.find(
    (t) =>
      t.name.toLowerCase() === busName.toLowerCase() ||
      t.id.toLowerCase() === busName.toLowerCase(),
  );
  if (bus === undefined) {
    throw new ControlRoomError(
      "E_SETTING_TRACK",
      `${owner.label} can send to a bus: ${busList}${busName ? `, not "${busName}"` : ""}`,
      `${owner.label}.send.${busName}`,
    );
  }
  const subject = `${owner.label}.send.${bus.name}`;
  if (fields.pre && fields.post)
    throw new ControlRoomError("E_SETTING_FIELD", `${subject}: --pre or --post, not both`, "--pre");
  const isLevel = value !== undefined && !isOnOff(value);
  const levelText = isLevel ? value : typeof fields.level === "string" ? fields.level : undefined;
  const level = levelText === undefined ? undefined : decibels(levelText, subject);
  const enabled = enabledFrom(isLevel ? undefined : value, fields, subject);
  const preFader = fields.pre ? true : fields.post ? false : undefined;
  const index = owner.strip.sends.findIndex((s) => s.busId === bus.id);
  const label = `send to ${bus.name}`;
  if (index === -1) {
    // A new send is the whole list with one more: one param.set, one inverse.
    const ids = new Set(owner.strip.sends.map((s) => s.id));
    let id = `${owner.id}-${bus.id}`;
    for (let n = 2; ids.has(id); n++) id = `${owner.id}-${bus.id}-${n}`;
    const send = {
      id,
      busId: bus.id,
      levelDb: level ?? 0,
      preFader: preFader ?? false,
      enabled: enabled ?? true,
    };
    checkSetting("sends.0", send, `${owner.label} ${label}`);
    return {
      operation: {
        type: "param.set",
        trackId: owner.id,
        path: "sends",
        value: [...owner.strip.sends, send],
      },
      changes: [{ setting: `${owner.label} ${label}`, before: "none", after: sendText(send) }],
    };
  }
  const b = new EditBuilder(owner, label);
  if (level !== undefined) b.param(`sends.${index}.levelDb`, "level", level, dbText);
  if (preFader !== undefined)
    b.param(`sends.${index}.preFader`, "", preFader, (v: boolean) =>
      v ? "pre-fader" : "post-fader",
    );
  const on = enabled ?? (level !== undefined || preFader !== undefined ? undefined : null);
  if (on === null)
    throw valueError(subject, value ?? "", "a level in dB, on, off, --pre or --post");
  if (on !== undefined) b.param(`sends.${index}.enabled`, "", on, onOffText);
  return b.edit();
}

function outputEdit(project: Project, owner: Owner, value: string): ConsoleEdit {
  const track = owner.track!;
  const buses = project.tracks.filter((t) => t.kind === "bus" && t.id !== track.id);
  const output =
    value.toLowerCase() === MASTER
      ? MASTER
      : buses.find(
          (t) =>
            t.name.toLowerCase() === value.toLowerCase() ||
            t.id.toLowerCase() === value.toLowerCase(),
        )?.id;
  if (output === undefined) {
    throw new ControlRoomError(
      "E_SETTING_TRACK",
      `${track.name} can play into master or a bus (${buses.map((t) => t.name).join(", ") || "none yet"}), not "${value}"`,
      `${track.name}.output`,
    );
  }
  if (output === track.output) return { operation: null, changes: [] };
  const name = (id: string) =>
    id === MASTER ? "master" : (project.tracks.find((t) => t.id === id)?.name ?? id);
  return {
    operation: { type: "track.route", trackId: track.id, output },
    changes: [{ setting: `${track.name} output`, before: name(track.output), after: name(output) }],
  };
}

function tempoEdit(
  project: Project,
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  checkFields("tempo", "tempo", fields);
  if (value === undefined && fields.meter === undefined) {
    throw new ControlRoomError(
      "E_SETTING_VALUE",
      "tempo needs a value in BPM (tempo 96), or --meter 3/4; --at @9 sets it from bar 9",
      "tempo",
    );
  }
  const map = new TempoMap(project.tempo);
  let bar = 1;
  if (typeof fields.at === "string") {
    const match = /^@?(\d+)$/.exec(fields.at.trim());
    if (!match || Number(match[1]) < 1)
      throw valueError("tempo --at", fields.at, "a bar number, like @9");
    bar = Number(match[1]);
  }
  const tick = map.barPositionToTick({ bar, beat: 1, tick: 0 });
  const tempo: Tempo = structuredClone(project.tempo);
  const changes: SettingChange[] = [];
  if (value !== undefined) {
    const bpm = plainNumber(value.replace(/\s*bpm$/i, ""), "tempo");
    const at = tempo.changes.findIndex((c) => c.tick === tick);
    const before = map.bpmAt(tick);
    if (before !== bpm) {
      if (at === -1) tempo.changes.push({ tick, bpm });
      else tempo.changes[at] = { ...tempo.changes[at], bpm };
      tempo.changes.sort((a, b) => a.tick - b.tick);
      changes.push({
        setting: `tempo at bar ${bar}`,
        before: bpmText(before),
        after: bpmText(bpm),
      });
    }
  }
  if (typeof fields.meter === "string") {
    const match = /^(\d+)\/(\d+)$/.exec(fields.meter.trim());
    if (!match) throw valueError("tempo --meter", fields.meter, "a time signature like 3/4 or 6/8");
    const parsed = TimeSignature.safeParse({
      tick,
      numerator: Number(match[1]),
      denominator: Number(match[2]),
    });
    if (!parsed.success)
      throw valueError("tempo --meter", fields.meter, "1 to 64 beats of 1, 2, 4, 8, 16 or 32");
    const signature = parsed.data;
    const at = tempo.timeSignatures.findIndex((s) => s.tick === tick);
    const previous = map.signatureAt(tick);
    const beforeText = `${previous.numerator}/${previous.denominator}`;
    const afterText = `${signature.numerator}/${signature.denominator}`;
    if (beforeText !== afterText) {
      if (at === -1) tempo.timeSignatures.push(signature);
      else tempo.timeSignatures[at] = signature;
      tempo.timeSignatures.sort((a, b) => a.tick - b.tick);
      changes.push({ setting: `meter at bar ${bar}`, before: beforeText, after: afterText });
    }
  }
  return { operation: changes.length ? { type: "tempo.set", tempo } : null, changes };
}

function sectionEdit(
  project: Project,
  name: string,
  value: string | undefined,
  fields: Record<string, string | true>,
): ConsoleEdit {
  const list = project.sections.map((s) => s.name).join(", ") || "none yet";
  const byId = project.sections.find((s) => s.id.toLowerCase() === name.toLowerCase());
  const byName = project.sections.filter((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!byId && byName.length > 1) {
    throw new ControlRoomError(
      "E_SETTING_TRACK",
      `${byName.length} sections are called "${name}"; name one by id: ${byName.map((s) => s.id).join(", ")}`,
      `section.${name}`,
    );
  }
  const section = byId ?? byName[0];
  if (section === undefined) {
    throw new ControlRoomError(
      "E_SETTING_TRACK",
      `there is no section "${name}"; the sections are ${list}`,
      `section.${name}`,
    );
  }
  checkFields(`section.${section.name}`, "section", fields);
  const newName = typeof fields.name === "string" ? fields.name : value;
  const changes: SettingChange[] = [];
  const set: { name?: string; colour?: string } = {};
  if (newName !== undefined && newName !== section.name) {
    if (newName.trim() === "")
      throw valueError(`section.${section.name} --name`, newName, "a name");
    set.name = newName;
    changes.push({ setting: `section ${section.name} name`, before: section.name, after: newName });
  }
  if (
    typeof fields.colour === "string" &&
    fields.colour.toLowerCase() !== section.colour.toLowerCase()
  ) {
    if (!/^#[0-9a-f]{6}$/i.test(fields.colour))
      throw valueError(`section.${section.name} --colour`, fields.colour, "a colour like #e67e22");
    set.colour = fields.colour.toLowerCase();
    changes.push({
      setting: `section ${section.name} colour`,
      before: section.colour,
      after: set.colour,
    });
  }
  if (newName === undefined && fields.colour === undefined) {
    throw valueError(`section.${section.name}`, "", "a new name, or --name, --colour");
  }
  return {
    operation: changes.length ? { type: "section.set", sectionId: section.id, changes: set } : null,
    changes,
  };
}

function findTrack(project: Project, name: string, subject: string): Track {
  const track = project.tracks.find(
    (t) => t.name.toLowerCase() === name.toLowerCase() || t.id.toLowerCase() === name.toLowerCase(),
  );
  if (track === undefined) {
    throw new ControlRoomError(
      "E_SETTING_TRACK",
      `${subject}: there is no track "${name}"; the tracks are ${trackList(project)}`,
      subject,
    );
  }
  return track;
}

/** Refuses a value the strip's schema refuses, naming the range in the setting's own words. */
function checkSetting(path: string, value: unknown, setting: string): void {
  const schema = stripSettingSchema(path);
  if (schema === undefined) throw new Error(`not a strip path: ${path}`);
  if (schema.safeParse(value).success) return;
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional)
    inner = inner.unwrap() as z.ZodType;
  const range =
    inner instanceof z.ZodNumber && inner.minValue !== null && inner.maxValue !== null
      ? `from ${inner.minValue} to ${inner.maxValue}`
      : "a value the strip accepts";
  throw new ControlRoomError(
    "E_SETTING_VALUE",
    `${setting} ${typeof value === "number" ? trimmed(value, 3) : JSON.stringify(value)} is out of range: it goes ${range}`,
    setting,
  );
}

function readPath(strip: ChannelStrip, path: string): unknown {
  let node: unknown = strip;
  for (const key of path.split(".")) node = (node as Record<string, unknown>)[key];
  return node;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function valueError(subject: string, text: string, wanted: string): ControlRoomError {
  return new ControlRoomError(
    "E_SETTING_VALUE",
    `${subject} ${text === "" ? "needs a value" : `"${text}" is not valid`}: give ${wanted}`,
    subject,
  );
}

function isOnOff(text: string): boolean {
  return /^(on|off|true|false|yes|no)$/i.test(text);
}

function onOff(text: string, subject: string): boolean {
  if (/^(on|true|yes|1)$/i.test(text)) return true;
  if (/^(off|false|no|0)$/i.test(text)) return false;
  throw valueError(subject, text, "on or off");
}

function plainNumber(text: string, subject: string): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) throw valueError(subject, text, "a number");
  return value;
}

function decibels(text: string, subject: string): number {
  const cleaned = text.trim().replace(/\s*db$/i, "");
  if (/^-inf$/i.test(cleaned)) return -144;
  const value = Number(cleaned);
  if (cleaned === "" || !Number.isFinite(value))
    throw valueError(subject, text, "a level in dB, like -3");
  return value;
}

function hertz(text: string, subject: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(k)?(?:hz)?$/i.exec(text.trim());
  if (!match) throw valueError(subject, text, "a frequency in Hz, like 250 or 2.5k");
  return Number(match[1]) * (match[2] ? 1000 : 1);
}

function milliseconds(text: string, subject: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i.exec(text.trim());
  if (!match) throw valueError(subject, text, "a time in ms, like 10");
  return Number(match[1]) * (match[2]?.toLowerCase() === "s" ? 1000 : 1);
}

function panValue(text: string, subject: string): number {
  const t = text.trim().toUpperCase();
  if (t === "C" || t === "CENTRE" || t === "CENTER") return 0;
  const side = /^([LR])\s*(\d+(?:\.\d+)?)$/.exec(t);
  if (side) return ((side[1] === "L" ? -1 : 1) * Number(side[2])) / 100;
  const value = Number(t);
  if (t === "" || !Number.isFinite(value))
    throw valueError(subject, text, "-1 … 1, or L30, C, R30");
  return value;
}

/** A number without noise: at most `decimals` places, no trailing zeros. */
function trimmed(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

/** Tempo for people: 72 BPM, not 72.00002880001152 BPM. */
export function bpmText(bpm: number): string {
  return `${trimmed(bpm, 2)} BPM`;
}

function dbText(value: number): string {
  if (value <= -144) return "-inf dB";
  const text = value.toFixed(1);
  return `${Number(text) > 0 ? "+" : ""}${Number(text) === 0 ? "0.0" : text} dB`;
}

function hzText(value: number): string {
  return value >= 1000 ? `${trimmed(value / 1000, 3)} kHz` : `${trimmed(value, 1)} Hz`;
}

function msText(value: number): string {
  return `${trimmed(value, 2)} ms`;
}

function panText(value: number): string {
  if (value === 0) return "C";
  return `${value < 0 ? "L" : "R"}${trimmed(Math.abs(value) * 100, 1)}`;
}

function onOffText(value: boolean): string {
  return value ? "on" : "off";
}

function sendText(send: { levelDb: number; preFader: boolean; enabled: boolean }): string {
  return `${dbText(send.levelDb)} ${send.preFader ? "pre" : "post"}-fader${send.enabled ? "" : ", off"}`;
}
