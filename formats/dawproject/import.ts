import { ControlRoomError } from "../../music/errors.ts";
import {
  type AudioClip,
  type AudioSource,
  type AutomationLane,
  type AutomationPoint,
  type ForeignDevice,
  MASTER,
  type Note,
  type NoteClip,
  type Project,
  SCHEMA_VERSION,
  type Section,
  type Track,
} from "../../music/project.ts";
import { type ChannelStrip, neutralStrip } from "../../music/strip.ts";
import {
  PPQ,
  type TempoChange,
  TempoMap,
  type TimeSignature,
  ticksPerBar,
} from "../../music/tempo-map.ts";
import { parseProject } from "../../music/validate.ts";
import { type ArchiveLimits, DawprojectArchive } from "./archive.ts";
import {
  compressorOntoStrip,
  equalizerOntoStrip,
  instrumentOfDevice,
  limiterOntoMaster,
  MASTER_LIMITER_DEVICE_ID,
  STRIP_COMPRESSOR_DEVICE_ID,
  STRIP_EQ_DEVICE_ID,
} from "./devices.ts";
import { fromXmlId, IdPool, slug } from "./ids.ts";
import {
  fromTick,
  type Placement,
  rebased,
  rootPlacement,
  shifted,
  toTick,
  warped,
} from "./placement.ts";
import {
  booleanAttribute,
  clamp,
  fail,
  finiteAttribute,
  numberAttribute,
  realParameter,
  type TimeUnit,
  timeUnitAttribute,
  toDecibels,
  toPan,
  type Unit,
  unitAttribute,
  type Where,
} from "./units.ts";
import {
  child,
  childrenNamed,
  parseXml,
  serializeXml,
  type XmlElement,
  type XmlLimits,
} from "./xml.ts";

/**
 * DAWproject → our document. The XML is read into an element tree first (xml.ts), then
 * converted here without I/O: the caller has already brought the audio files in and says
 * what each became (`sources`, keyed by the path inside the archive).
 */

export const PROJECT_XML = "project.xml";
export const METADATA_XML = "metadata.xml";

export interface DawprojectTrackReport {
  id: string;
  name: string;
  kind: Track["kind"] | "master";
}

export interface DawprojectDeviceReport {
  /** A track id or `master`. */
  owner: string;
  kind: string;
  name: string;
}

export interface DawprojectImportReport {
  application: string;
  tracks: DawprojectTrackReport[];
  counts: {
    tracks: number;
    audioClips: number;
    noteClips: number;
    notes: number;
    automationLanes: number;
    automationPoints: number;
    sections: number;
    tempoChanges: number;
    timeSignatures: number;
  };
  /** Devices we do not model: kept in the document (Track.devices), not played. */
  keptDevices: DawprojectDeviceReport[];
  /** Devices turned into the strip's EQ, compressor or the master limiter. */
  mappedDevices: (DawprojectDeviceReport & {
    onto: "eq" | "compressor" | "limiter" | "instrument";
  })[];
  /** What did not come across exactly, one sentence each. */
  warnings: string[];
}

/** An audio file the project refers to, as project.xml declares it. */
export interface DeclaredMedia {
  path: string;
  sampleRate: number;
  channels: number;
  seconds: number;
}

export interface ParsedDawproject {
  archiveName: string;
  project: XmlElement;
  metadata: XmlElement | undefined;
  /** Audio files inside the archive, by their path there. */
  media: Map<string, DeclaredMedia>;
  /** Plug-in state files inside the archive. */
  stateFiles: string[];
}

export interface ReadOptions {
  archiveLimits?: Partial<ArchiveLimits>;
  xmlLimits?: Partial<XmlLimits>;
}

/** Opens the archive, parses project.xml and metadata.xml and lists the files they use. */
export function parseDawproject(
  archive: DawprojectArchive,
  archiveName: string,
  options: ReadOptions = {},
): ParsedDawproject {
  if (!archive.has(PROJECT_XML)) {
    throw new ControlRoomError(
      "E_DAWPROJECT_NO_PROJECT",
      `${archiveName} has no project.xml; is it a DAWproject file?`,
      archiveName,
    );
  }
  const project = parseXml(archive.readText(PROJECT_XML), PROJECT_XML, options.xmlLimits);
  const metadata = archive.has(METADATA_XML)
    ? parseXml(archive.readText(METADATA_XML), METADATA_XML, options.xmlLimits)
    : undefined;
  const where: Where = { file: PROJECT_XML, path: "Project" };
  if (project.name !== "Project") {
    fail(where, `the root element is <${project.name.slice(0, 40)}>, it must be <Project>`);
  }
  if (project.attributes.version === undefined) {
    fail(where, "<Project> has no version attribute; it is required");
  }
  const media = new Map<string, DeclaredMedia>();
  const stateFiles: string[] = [];
  const visit = (element: XmlElement, path: string) => {
    if (element.name === "Audio") {
      const at = { file: PROJECT_XML, path: `${path} > Audio` };
      const file = child(element, "File");
      if (!file?.attributes.path) fail(at, "<Audio> has no <File path>; it is required");
      const external = booleanAttribute(file, "external", at) ?? false;
      const sampleRate = finiteAttribute(element, "sampleRate", at, true);
      const channels = finiteAttribute(element, "channels", at, true);
      const seconds = finiteAttribute(element, "duration", at, true);
      if (!external) {
        const inside = file.attributes.path;
        if (!archive.has(inside)) {
          fail(
            at,
            `<File path="${inside.slice(0, 200)}"> is not inside ${archiveName}`,
            "E_DAWPROJECT_MISSING_ENTRY",
          );
        }
        media.set(inside, { path: inside, sampleRate, channels, seconds });
      }
    }
    if (element.name === "State" && element.attributes.path) {
      const external = booleanAttribute(element, "external", { file: PROJECT_XML, path }) ?? false;
      if (!external && archive.has(element.attributes.path))
        stateFiles.push(element.attributes.path);
    }
    for (const c of element.children) visit(c, `${path} > ${c.name}`);
  };
  visit(project, "Project");
  return { archiveName, project, metadata, media, stateFiles };
}

export interface ConvertOptions {
  /** The title when metadata.xml has none. */
  title?: string;
  /** Where each plug-in state file was put, `plugins/<name>`, by its path in the archive. */
  stateFiles?: Map<string, string>;
}

/** Sources made from what project.xml declares, for conversion without files (tests, previews). */
export function declaredSources(parsed: ParsedDawproject): Map<string, AudioSource> {
  const out = new Map<string, AudioSource>();
  const ids = new IdPool();
  for (const media of parsed.media.values()) {
    const base = media.path.split("/").at(-1) ?? "audio";
    const id = ids.take(sourceIdFor(media.path));
    const rate = Math.round(clamp(media.sampleRate, 8000, 384_000));
    out.set(media.path, {
      id,
      file: `audio/${base.replace(/[^\p{L}\p{N}._ -]+/gu, "_") || "audio"}`,
      sampleRate: rate,
      channels: Math.round(clamp(media.channels, 1, 8)),
      frames: Math.max(0, Math.round(media.seconds * rate)),
    });
  }
  return out;
}

/** The source id for a file in the archive: ours (`audio/<id>/<name>`) or from its name. */
export function sourceIdFor(archivePath: string): string {
  const parts = archivePath.split("/");
  if (parts.length === 3 && parts[0] === "audio") {
    const ours = fromXmlId(parts[1]);
    if (ours) return ours;
  }
  const base = parts.at(-1) ?? "audio";
  return slug(base.replace(/\.[^.]*$/, ""), "audio");
}

/** The whole import without files: archive bytes → document, audio as project.xml declares it. */
export function readDawproject(
  bytes: Uint8Array,
  archiveName = "project.dawproject",
  options: ReadOptions & ConvertOptions = {},
): { project: Project; report: DawprojectImportReport } {
  const archive = DawprojectArchive.open(bytes, archiveName, options.archiveLimits);
  const parsed = parseDawproject(archive, archiveName, options);
  return convertDawproject(parsed, declaredSources(parsed), options);
}

interface ChannelInfo {
  xmlId: string | undefined;
  /** Our track id, or `master`. */
  ourId: string;
  element: XmlElement;
  where: Where;
}

interface ParameterTarget {
  owner: string;
  parameter: string;
  element: XmlElement;
  kind: "real" | "bool";
}

interface NoteEvent {
  startTick: number;
  endTick: number;
  pitch: number;
  velocity: number;
}

interface AudioPiece {
  startTick: number;
  endTick: number;
  path: string;
  /** Seconds into the file. */
  fileStart: number;
  fileEnd: number;
  fadeInSeconds: number;
  fadeOutSeconds: number;
  mute: boolean;
  clipId: string | undefined;
}

const MAX_PIECES = 200_000;
const MAX_LOOP_ITERATIONS = 10_000;

export function convertDawproject(
  parsed: ParsedDawproject,
  sources: Map<string, AudioSource>,
  options: ConvertOptions = {},
): { project: Project; report: DawprojectImportReport } {
  return new Converter(parsed, sources, options).run();
}

class Converter {
  private readonly parsed: ParsedDawproject;
  private readonly sources: Map<string, AudioSource>;
  private readonly options: ConvertOptions;
  private readonly warnings: string[] = [];
  private readonly tracks: Track[] = [];
  private readonly trackByXmlId = new Map<string, Track | "master">();
  private readonly channels: ChannelInfo[] = [];
  private readonly parameters = new Map<string, ParameterTarget>();
  private readonly trackIds = new IdPool([MASTER]);
  private readonly clipIds = new IdPool();
  private readonly sendIds = new IdPool();
  private readonly keptDevices: DawprojectImportReport["keptDevices"] = [];
  private readonly mappedDevices: DawprojectImportReport["mappedDevices"] = [];
  private readonly reportTracks: DawprojectTrackReport[] = [];
  private readonly warnedOnce = new Set<string>();
  private masterStrip: ChannelStrip = { ...neutralStrip(), panLaw: "0dB" };
  private masterDevices: ForeignDevice[] = [];
  private masterLimiter: Project["master"]["limiter"] | undefined;
  private map = new TempoMap({
    changes: [{ tick: 0, bpm: 120 }],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
  });
  private tempo: Project["tempo"] = {
    changes: [{ tick: 0, bpm: 120 }],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
  };
  private pieces = 0;
  private automation = new Map<string, Map<string, AutomationPoint[]>>();
  private tempoId: string | undefined;
  private signatureId: string | undefined;

  constructor(
    parsed: ParsedDawproject,
    sources: Map<string, AudioSource>,
    options: ConvertOptions,
  ) {
    this.parsed = parsed;
    this.sources = sources;
    this.options = options;
  }

  private warn(message: string, once?: string): void {
    if (once !== undefined) {
      if (this.warnedOnce.has(once)) return;
      this.warnedOnce.add(once);
    }
    if (this.warnings.length < 500) this.warnings.push(message);
  }

  run(): { project: Project; report: DawprojectImportReport } {
    const root = this.parsed.project;
    const where: Where = { file: PROJECT_XML, path: "Project" };
    const application = child(root, "Application");
    if (!application) fail(where, "<Project> has no <Application>; it is required");
    const applicationName =
      `${application.attributes.name ?? "?"} ${application.attributes.version ?? ""}`.trim();

    this.readTransport(root);
    const arrangement = child(root, "Arrangement");
    if (arrangement) this.readTempoAutomation(arrangement);
    try {
      this.map = new TempoMap(this.tempo);
    } catch (error) {
      if (error instanceof ControlRoomError) fail(where, error.message, "E_DAWPROJECT_TEMPO");
      throw error;
    }

    const structure = child(root, "Structure");
    if (structure) {
      let n = 0;
      for (const element of structure.children) {
        n++;
        if (element.name === "Track") this.readTrack(element, `Structure > Track ${n}`, undefined);
        else if (element.name === "Channel") {
          this.readLoneChannel(element, `Structure > Channel ${n}`);
        }
      }
    }
    this.resolveRouting();

    let sections: Section[] = [];
    if (arrangement) {
      const lanes = child(arrangement, "Lanes");
      if (lanes) {
        const unit =
          timeUnitAttribute(lanes, "timeUnit", {
            file: PROJECT_XML,
            path: "Arrangement > Lanes",
          }) ?? "beats";
        this.readLanes(lanes, rootPlacement(unit), undefined, "Arrangement > Lanes");
      }
      sections = this.readMarkers(arrangement);
    }
    this.applyAutomation();
    const scenes = child(root, "Scenes");
    if (scenes?.children.some((s) => JSON.stringify(s).includes('"Clip"'))) {
      this.warn("clip launcher scenes are not imported; only the arrangement is");
    }

    const metadata = this.parsed.metadata;
    const text = (name: string) =>
      (metadata ? child(metadata, name)?.text.trim() : undefined) ?? "";
    const title = text("Title") || this.options.title || "Untitled";
    const artist = text("Artist");
    const comment = text("Comment");

    const master: Project["master"] = {
      strip: this.masterStrip,
      limiter: this.masterLimiter ?? {
        enabled: false,
        ceilingDb: -1,
        lookaheadMs: 5,
        releaseMs: 100,
        truePeak: false,
      },
      automation: this.lanesFor(MASTER),
    };
    if (this.masterDevices.length > 0) master.devices = this.masterDevices;

    const usedSources = new Set<string>();
    for (const t of this.tracks) for (const c of t.clips) usedSources.add(c.sourceId);
    const projectInput = {
      schemaVersion: SCHEMA_VERSION,
      song: {
        title: title.slice(0, 500),
        artist: artist.slice(0, 500),
        sampleRate: 48_000,
        notes: comment.slice(0, 20_000),
      },
      tempo: this.tempo,
      sections,
      chords: [],
      sources: [...this.sources.values()].filter((s) => usedSources.has(s.id)),
      tracks: this.tracks,
      master,
    };
    const project = parseProject(projectInput, PROJECT_XML);
    const counts = {
      tracks: project.tracks.length,
      audioClips: 0,
      noteClips: 0,
      notes: 0,
      automationLanes: project.master.automation.length,
      automationPoints: project.master.automation.reduce((n, l) => n + l.points.length, 0),
      sections: project.sections.length,
      tempoChanges: project.tempo.changes.length,
      timeSignatures: project.tempo.timeSignatures.length,
    };
    for (const t of project.tracks) {
      counts.audioClips += t.clips.length;
      counts.noteClips += t.noteClips.length;
      counts.notes += t.noteClips.reduce((n, c) => n + c.notes.length, 0);
      counts.automationLanes += t.automation.length;
      counts.automationPoints += t.automation.reduce((n, l) => n + l.points.length, 0);
    }
    return {
      project,
      report: {
        application: applicationName,
        tracks: this.reportTracks.map((r) => ({
          ...r,
          kind:
            r.kind === "master"
              ? "master"
              : (project.tracks.find((t) => t.id === r.id)?.kind ?? r.kind),
        })),
        counts,
        keptDevices: this.keptDevices,
        mappedDevices: this.mappedDevices,
        warnings: this.warnings,
      },
    };
  }

  // ── Tempo and meter ────────────────────────────────────────────────────────────────

  private readTransport(root: XmlElement): void {
    const transport = child(root, "Transport");
    if (!transport) return;
    const where: Where = { file: PROJECT_XML, path: "Transport" };
    const tempo = child(transport, "Tempo");
    if (tempo) {
      const p = realParameter(tempo, { ...where, path: "Transport > Tempo" });
      this.tempoId = tempo.attributes.id;
      if (p.value !== undefined) {
        if (p.unit !== "bpm") fail(where, `<Tempo> is in ${p.unit}; it must be in bpm`);
        this.tempo.changes = [
          { tick: 0, bpm: this.checkBpm(p.value, { ...where, path: "Transport > Tempo" }) },
        ];
      }
    }
    const signature = child(transport, "TimeSignature");
    if (signature) {
      const at = { ...where, path: "Transport > TimeSignature" };
      this.signatureId = signature.attributes.id;
      this.tempo.timeSignatures = [{ tick: 0, ...this.signature(signature, at) }];
    }
  }

  private checkBpm(bpm: number, where: Where): number {
    if (!Number.isFinite(bpm) || bpm < 10 || bpm > 999) {
      fail(where, `the tempo ${bpm} bpm is outside 10–999 bpm`, "E_DAWPROJECT_TEMPO");
    }
    return bpm;
  }

  private signature(element: XmlElement, where: Where): Omit<TimeSignature, "tick"> {
    const numerator = finiteAttribute(element, "numerator", where, true);
    const denominator = finiteAttribute(element, "denominator", where, true);
    if (!Number.isInteger(numerator) || numerator < 1 || numerator > 64) {
      fail(where, `the time signature's numerator ${numerator} must be a whole number 1–64`);
    }
    if (![1, 2, 4, 8, 16, 32].includes(denominator)) {
      fail(where, `the time signature's denominator ${denominator} must be 1, 2, 4, 8, 16 or 32`);
    }
    return { numerator, denominator: denominator as TimeSignature["denominator"] };
  }

  private readTempoAutomation(arrangement: XmlElement): void {
    const tempoPoints = child(arrangement, "TempoAutomation");
    if (tempoPoints) {
      const where: Where = { file: PROJECT_XML, path: "Arrangement > TempoAutomation" };
      const unit =
        timeUnitAttribute(tempoPoints, "timeUnit", where) ?? this.arrangementUnit(arrangement);
      const points = childrenNamed(tempoPoints, "RealPoint")
        .map((p, i) => {
          const at = { ...where, path: `${where.path} > RealPoint ${i + 1}` };
          return {
            time: finiteAttribute(p, "time", at, true),
            bpm: this.checkBpm(numberAttribute(p, "value", at, true), at),
            linear: p.attributes.interpolation === "linear",
          };
        })
        .sort((a, b) => a.time - b.time);
      if (points.length > 0) this.tempo.changes = this.tempoChanges(points, unit);
    }
    const signaturePoints = child(arrangement, "TimeSignatureAutomation");
    if (signaturePoints) {
      const where: Where = { file: PROJECT_XML, path: "Arrangement > TimeSignatureAutomation" };
      const unit =
        timeUnitAttribute(signaturePoints, "timeUnit", where) ?? this.arrangementUnit(arrangement);
      const map = new TempoMap({
        changes: this.tempo.changes,
        timeSignatures: this.tempo.timeSignatures.slice(0, 1),
      });
      const raw = childrenNamed(signaturePoints, "TimeSignaturePoint")
        .map((p, i) => {
          const at = { ...where, path: `${where.path} > TimeSignaturePoint ${i + 1}` };
          const time = finiteAttribute(p, "time", at, true);
          const tick = unit === "beats" ? time * PPQ : map.secondsToTicks(time);
          return { tick, ...this.signature(p, at) };
        })
        .sort((a, b) => a.tick - b.tick);
      const out: TimeSignature[] = [];
      for (const s of raw) {
        const previous = out.at(-1);
        let tick = Math.max(0, Math.round(s.tick));
        if (!previous) {
          if (tick !== 0) out.push({ ...this.tempo.timeSignatures[0], tick: 0 });
        }
        const last = out.at(-1);
        if (last) {
          const bar = ticksPerBar(last);
          const bars = Math.round((tick - last.tick) / bar);
          const snapped = last.tick + bars * bar;
          if (snapped !== tick) {
            this.warn(
              `the time signature change at beat ${s.tick / PPQ} is moved to the nearest bar line`,
            );
          }
          tick = snapped;
          if (tick === last.tick) {
            out[out.length - 1] = { tick, numerator: s.numerator, denominator: s.denominator };
            continue;
          }
        }
        out.push({ tick, numerator: s.numerator, denominator: s.denominator });
      }
      if (out.length > 0) this.tempo.timeSignatures = out;
    }
  }

  private arrangementUnit(arrangement: XmlElement): TimeUnit {
    const lanes = child(arrangement, "Lanes");
    return (
      (lanes &&
        timeUnitAttribute(lanes, "timeUnit", { file: PROJECT_XML, path: "Arrangement > Lanes" })) ??
      "beats"
    );
  }

  /**
   * Tempo points to our step map. A linear ramp becomes steps every sixteenth note, each at
   * the ramp's tempo in the middle of its step, so beats still land within a fraction of a
   * millisecond of where the ramp puts them.
   */
  private tempoChanges(
    points: { time: number; bpm: number; linear: boolean }[],
    unit: TimeUnit,
  ): TempoChange[] {
    // Beats of each point (seconds integrate the tempo: beats = ∫ bpm/60 dt).
    const beats: number[] = [];
    for (let i = 0; i < points.length; i++) {
      if (unit === "beats") {
        beats.push(points[i].time);
      } else if (i === 0) {
        const before = this.tempo.changes[0].bpm;
        beats.push((points[0].time * before) / 60);
      } else {
        const a = points[i - 1];
        const b = points[i];
        const mean = a.linear ? (a.bpm + b.bpm) / 2 : a.bpm;
        beats.push(beats[i - 1] + ((b.time - a.time) * mean) / 60);
      }
    }
    const changes: TempoChange[] = [];
    const push = (tick: number, bpm: number) => {
      const t = Math.max(0, Math.round(tick));
      const last = changes.at(-1);
      if (last && last.tick === t) last.bpm = bpm;
      else if (!last || Math.abs(last.bpm - bpm) > 1e-9) changes.push({ tick: t, bpm });
    };
    if (beats[0] > 0) push(0, this.tempo.changes[0].bpm);
    const STEP = PPQ / 4;
    let steps = 0;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const startTick = beats[i] * PPQ;
      const next = points[i + 1];
      if (p.linear && next && next.bpm !== p.bpm) {
        const endTick = beats[i + 1] * PPQ;
        for (let t = startTick; t < endTick - 1e-9; t += STEP) {
          if (++steps > 100_000) {
            fail(
              { file: PROJECT_XML, path: "Arrangement > TempoAutomation" },
              "the tempo ramps are too long to import",
              "E_DAWPROJECT_TEMPO",
            );
          }
          const mid = (t + Math.min(endTick, t + STEP)) / 2;
          const fraction = (mid - startTick) / (endTick - startTick);
          push(t, p.bpm + (next.bpm - p.bpm) * fraction);
        }
        this.warn("tempo ramps are imported as steps every sixteenth note", "tempo-ramp");
      } else {
        push(startTick, p.bpm);
      }
    }
    if (changes.length === 0 || changes[0].tick !== 0)
      changes.unshift({ tick: 0, bpm: this.tempo.changes[0].bpm });
    return changes;
  }

  // ── Tracks and channels ────────────────────────────────────────────────────────────

  private readTrack(element: XmlElement, path: string, folderBus: string | undefined): void {
    const where: Where = { file: PROJECT_XML, path };
    const name = (element.attributes.name ?? "").trim();
    const channel = child(element, "Channel");
    let ourFolder = folderBus;
    if (channel) {
      const info = this.addChannel(channel, element, name, `${path} > Channel`, folderBus);
      if (info && info !== "master") {
        if (element.attributes.id) this.trackByXmlId.set(element.attributes.id, info);
        if (info.kind === "bus") ourFolder = info.id;
      } else if (info === "master" && element.attributes.id) {
        this.trackByXmlId.set(element.attributes.id, "master");
      }
    } else if (childrenNamed(element, "Track").length > 0) {
      this.warn(
        `the folder "${name || path}" has no channel of its own; its tracks are imported without it`,
      );
    } else {
      this.warn(`${where.path} ("${name}") has no channel; it is skipped`);
    }
    let n = 0;
    for (const sub of childrenNamed(element, "Track")) {
      n++;
      this.readTrack(sub, `${path} > Track ${n}`, ourFolder);
    }
  }

  private readLoneChannel(element: XmlElement, path: string): void {
    this.addChannel(element, element, (element.attributes.name ?? "").trim(), path, undefined);
  }

  private addChannel(
    channel: XmlElement,
    owner: XmlElement,
    name: string,
    path: string,
    folderBus: string | undefined,
  ): Track | "master" | undefined {
    const where: Where = { file: PROJECT_XML, path };
    const role = channel.attributes.role ?? "regular";
    if (!["regular", "master", "effect", "submix", "vca"].includes(role)) {
      fail(
        where,
        `<Channel> role="${role.slice(0, 40)}" must be regular, master, effect, submix or vca`,
      );
    }
    if (role === "vca") {
      this.warn(`"${name || path}" is a VCA channel; Control Room has none, so it is skipped`);
      return undefined;
    }
    if (role === "master") {
      if (this.channels.some((c) => c.ourId === MASTER)) {
        this.warn(`a second master channel "${name}" is imported as a bus`);
      } else {
        const info: ChannelInfo = {
          xmlId: channel.attributes.id,
          ourId: MASTER,
          element: channel,
          where,
        };
        this.channels.push(info);
        if (channel.attributes.id) this.trackByXmlId.set(channel.attributes.id, "master");
        this.masterStrip = this.strip(channel, MASTER, name || "Master", where, true);
        this.reportTracks.push({ id: MASTER, name: name || "Master", kind: "master" });
        return "master";
      }
    }
    const kind: Track["kind"] =
      role === "regular"
        ? (owner.attributes.contentType ?? "").split(/[\s,]+/).includes("notes")
          ? "instrument"
          : "audio"
        : "bus";
    const trackName = (name || channel.attributes.name || `Track ${this.tracks.length + 1}`).slice(
      0,
      200,
    );
    const wanted = fromXmlId(owner.attributes.id, "") ?? slug(trackName, "track");
    const id = this.trackIds.take(wanted === MASTER ? "master-bus" : wanted);
    const strip = this.strip(channel, id, trackName, where, kind === "bus");
    const track: Track = {
      id,
      name: trackName,
      kind,
      strip,
      output: folderBus ?? MASTER,
      clips: [],
      noteClips: [],
      lyrics: [],
      automation: [],
    };
    const devices = this.trackDevices.get(id);
    if (devices && devices.length > 0) track.devices = devices;
    const instrument = this.trackInstruments.get(id);
    if (instrument && kind === "instrument") track.instrument = instrument;
    this.tracks.push(track);
    this.reportTracks.push({ id, name: trackName, kind });
    const info: ChannelInfo = { xmlId: channel.attributes.id, ourId: id, element: channel, where };
    this.channels.push(info);
    if (channel.attributes.id) this.trackByXmlId.set(channel.attributes.id, track);
    return track;
  }

  private readonly trackDevices = new Map<string, ForeignDevice[]>();
  private readonly trackInstruments = new Map<string, NonNullable<Track["instrument"]>>();
  /** Compressors keyed from another channel: our track id → the key's channel XML id. */
  private readonly pendingKeys = new Map<string, string>();
  private readonly pendingSends: {
    fromId: string;
    destination: string;
    send: ChannelStrip["sends"][number];
    where: Where;
  }[] = [];
  private readonly destinations = new Map<string, string>();

  private strip(
    channel: XmlElement,
    owner: string,
    ownerName: string,
    where: Where,
    isBus: boolean,
  ): ChannelStrip {
    const strip: ChannelStrip = { ...neutralStrip(), panLaw: isBus ? "0dB" : "-3dB" };
    const volume = child(channel, "Volume");
    if (volume) {
      const at = { ...where, path: `${where.path} > Volume` };
      const p = realParameter(volume, at);
      if (volume.attributes.id)
        this.parameters.set(volume.attributes.id, {
          owner,
          parameter: "faderDb",
          element: volume,
          kind: "real",
        });
      if (p.value !== undefined) {
        const db = toDecibels(p.value, p.unit, p);
        if (db === undefined)
          this.warn(`${at.path}: a volume in ${p.unit} is not understood; 0 dB is used`);
        else strip.faderDb = clamp(db, -144, 12);
      }
    }
    const pan = child(channel, "Pan");
    if (pan) {
      const at = { ...where, path: `${where.path} > Pan` };
      const p = realParameter(pan, at);
      if (pan.attributes.id)
        this.parameters.set(pan.attributes.id, {
          owner,
          parameter: "pan",
          element: pan,
          kind: "real",
        });
      if (p.value !== undefined) {
        const v = toPan(p.value, p.unit, p);
        if (v === undefined || !Number.isFinite(v))
          this.warn(`${at.path}: a pan in ${p.unit} is not understood; centre is used`);
        else strip.pan = clamp(v, -1, 1);
      }
    }
    const mute = child(channel, "Mute");
    if (mute) {
      if (mute.attributes.id)
        this.parameters.set(mute.attributes.id, {
          owner,
          parameter: "mute",
          element: mute,
          kind: "bool",
        });
      strip.mute =
        booleanAttribute(mute, "value", { ...where, path: `${where.path} > Mute` }) ?? false;
    }
    strip.solo = booleanAttribute(channel, "solo", where) ?? false;
    if (channel.attributes.destination)
      this.destinations.set(owner, channel.attributes.destination);
    const sends = child(channel, "Sends");
    if (sends && owner !== MASTER) {
      childrenNamed(sends, "Send").forEach((send, i) => {
        const at = { ...where, path: `${where.path} > Sends > Send ${i + 1}` };
        const destination = send.attributes.destination;
        const volumeElement = child(send, "Volume");
        if (!volumeElement) fail(at, "<Send> has no <Volume>; it is required");
        const v = realParameter(volumeElement, { ...at, path: `${at.path} > Volume` });
        const db = v.value === undefined ? 0 : toDecibels(v.value, v.unit, v);
        const enable = child(send, "Enable");
        const enabled = enable ? (booleanAttribute(enable, "value", at) ?? true) : true;
        const type = send.attributes.type ?? "post";
        if (type !== "pre" && type !== "post")
          fail(at, `<Send> type="${type.slice(0, 40)}" must be pre or post`);
        if (!destination) {
          this.warn(`${at.path} has no destination; it is skipped`);
          return;
        }
        const sendId = this.sendIds.take(
          fromXmlId(send.attributes.id, "send_") ?? `${owner}-send-${i + 1}`,
        );
        if (volumeElement.attributes.id) {
          this.parameters.set(volumeElement.attributes.id, {
            owner,
            parameter: `sends.${sendId}.levelDb`,
            element: volumeElement,
            kind: "real",
          });
        }
        this.pendingSends.push({
          fromId: owner,
          destination,
          send: {
            id: sendId,
            busId: "",
            levelDb: clamp(db === undefined || Number.isNaN(db) ? 0 : db, -144, 12),
            preFader: type === "pre",
            enabled,
          },
          where: at,
        });
      });
    }
    const devices = child(channel, "Devices");
    if (devices) this.readDevices(devices, strip, owner, ownerName, where);
    return strip;
  }

  private readDevices(
    devices: XmlElement,
    strip: ChannelStrip,
    owner: string,
    ownerName: string,
    where: Where,
  ): void {
    const kept: ForeignDevice[] = [];
    const eqs = devices.children.filter((d) => d.name === "Equalizer");
    const eq = eqs.find((d) => d.attributes.deviceID === STRIP_EQ_DEVICE_ID) ?? eqs[0];
    const compressors = devices.children.filter((d) => d.name === "Compressor");
    const compressor =
      compressors.find((d) => d.attributes.deviceID === STRIP_COMPRESSOR_DEVICE_ID) ??
      compressors[0];
    const limiters = owner === MASTER ? devices.children.filter((d) => d.name === "Limiter") : [];
    const limiter =
      limiters.find((d) => d.attributes.deviceID === MASTER_LIMITER_DEVICE_ID) ?? limiters[0];
    devices.children.forEach((device, i) => {
      const at = { ...where, path: `${where.path} > Devices > ${device.name} ${i + 1}` };
      const name = (device.attributes.name ?? device.attributes.deviceName ?? device.name).slice(
        0,
        200,
      );
      if (device === eq) {
        const dropped = equalizerOntoStrip(device, strip, at);
        for (const d of dropped) this.warn(`${ownerName}: EQ "${name}" ${d}`);
        this.mappedDevices.push({ owner, kind: device.name, name, onto: "eq" });
        return;
      }
      if (device === compressor) {
        const key = compressorOntoStrip(device, strip, at);
        if (key !== undefined && owner !== MASTER) this.pendingKeys.set(owner, key);
        this.mappedDevices.push({ owner, kind: device.name, name, onto: "compressor" });
        return;
      }
      if (device === limiter) {
        this.masterLimiter = limiterOntoMaster(
          device,
          { enabled: true, ceilingDb: -1, lookaheadMs: 5, releaseMs: 100, truePeak: false },
          at,
        );
        this.mappedDevices.push({ owner, kind: device.name, name, onto: "limiter" });
        return;
      }
      const instrument = owner === MASTER ? undefined : instrumentOfDevice(device, at);
      if (instrument) {
        this.trackInstruments.set(owner, instrument);
        this.mappedDevices.push({ owner, kind: device.name, name, onto: "instrument" });
        return;
      }
      const state = child(device, "State");
      let stateFile: string | undefined;
      if (state?.attributes.path) {
        stateFile = this.options.stateFiles?.get(state.attributes.path);
        if (stateFile === undefined) {
          this.warn(
            `${ownerName}: the saved state of "${name}" (${state.attributes.path.slice(0, 200)}) is not inside the file; the device is kept without it`,
          );
        }
      }
      const foreign: ForeignDevice = {
        format: "dawproject",
        kind: device.name.slice(0, 100),
        name,
        xml: serializeXml(device),
      };
      if (stateFile !== undefined) foreign.stateFile = stateFile;
      kept.push(foreign);
      this.keptDevices.push({ owner, kind: device.name, name });
    });
    if (kept.length > 0) {
      if (owner === MASTER) this.masterDevices = kept;
      else this.trackDevices.set(owner, kept);
    }
  }

  private resolveRouting(): void {
    const byId = new Map(this.tracks.map((t) => [t.id, t]));
    const target = (xmlId: string): string | undefined => {
      const t = this.trackByXmlId.get(xmlId);
      if (t === undefined) return undefined;
      return t === "master" ? MASTER : t.id;
    };
    for (const track of this.tracks) {
      const destination = this.destinations.get(track.id);
      if (destination === undefined) continue;
      const to = target(destination);
      if (to === undefined) {
        this.warn(
          `"${track.name}" is routed to "${destination.slice(0, 100)}", which is not a channel; it plays to the master`,
        );
        track.output = MASTER;
      } else if (to === track.id || (to !== MASTER && byId.get(to)?.kind !== "bus")) {
        this.warn(
          `"${track.name}" is routed to a channel that is not a bus; it plays to the master`,
        );
        track.output = MASTER;
      } else {
        track.output = to;
      }
    }
    // Outputs that make a loop go to the master instead.
    for (const track of this.tracks) {
      if (track.output !== MASTER && this.reaches(track.output, track.id, byId)) {
        this.warn(`"${track.name}" would route in a loop; it plays to the master`);
        track.output = MASTER;
      }
    }
    for (const pending of this.pendingSends) {
      const from = byId.get(pending.fromId);
      if (!from) continue;
      const to = target(pending.destination);
      const bus = to === undefined ? undefined : byId.get(to);
      if (bus?.kind !== "bus") {
        this.warn(
          `${pending.where.path}: "${from.name}" sends to a channel that is not a bus; the send is dropped`,
        );
        continue;
      }
      if (bus.id === from.id || this.reaches(bus.id, from.id, byId)) {
        this.warn(
          `${pending.where.path}: "${from.name}" sends to "${bus.name}", which would loop back; the send is dropped`,
        );
        this.dropSendAutomation(pending.send.id);
        continue;
      }
      from.strip.sends.push({ ...pending.send, busId: bus.id });
    }
    for (const [keyed, channel] of this.pendingKeys) {
      const track = byId.get(keyed);
      const key = target(channel);
      if (!track) continue;
      if (key === undefined || key === MASTER || key === keyed) {
        this.warn(
          `"${track.name}": its compressor listens to "${channel.slice(0, 100)}", which is not another track; it listens to its own input`,
        );
      } else if (this.reaches(keyed, key, byId)) {
        this.warn(
          `"${track.name}": its compressor's key "${byId.get(key)?.name}" is fed by it, which would loop; it listens to its own input`,
        );
      } else {
        track.strip.compressor.sidechainTrackId = key;
      }
    }
  }

  private dropSendAutomation(sendId: string): void {
    for (const [id, target] of this.parameters) {
      if (target.parameter === `sends.${sendId}.levelDb`) this.parameters.delete(id);
    }
  }

  /** Whether `from` can reach `to` by outputs and sends (so an edge to→from would loop). */
  private reaches(from: string, to: string, byId: Map<string, Track>): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === to) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      const t = byId.get(id);
      if (!t) continue;
      if (t.output !== MASTER) stack.push(t.output);
      for (const s of t.strip.sends) stack.push(s.busId);
      // A key feeds the compressor it keys.
      for (const other of byId.values()) {
        if (other.strip.compressor.sidechainTrackId === id) stack.push(other.id);
      }
    }
    return false;
  }

  // ── The arrangement ────────────────────────────────────────────────────────────────

  private trackFor(xmlId: string | undefined): Track | "master" | undefined {
    return xmlId === undefined ? undefined : this.trackByXmlId.get(xmlId);
  }

  private readLanes(
    lanes: XmlElement,
    placement: Placement,
    track: Track | "master" | undefined,
    path: string,
  ): void {
    const where: Where = { file: PROJECT_XML, path };
    const scoped =
      lanes.attributes.track !== undefined ? this.trackFor(lanes.attributes.track) : track;
    if (lanes.attributes.track !== undefined && scoped === undefined) {
      this.warn(
        `${path} belongs to "${lanes.attributes.track.slice(0, 100)}", which is not an imported track; it is skipped`,
      );
      return;
    }
    const unit = timeUnitAttribute(lanes, "timeUnit", where);
    const here = unit ? rebased(placement, unit, this.map) : placement;
    let n = 0;
    for (const c of lanes.children) {
      n++;
      const at = `${path} > ${c.name} ${n}`;
      const cScoped = c.attributes.track !== undefined ? this.trackFor(c.attributes.track) : scoped;
      switch (c.name) {
        case "Lanes":
          this.readLanes(c, here, scoped, at);
          break;
        case "Clips":
          if (cScoped === undefined || cScoped === "master") {
            if (c.children.length > 0) this.warn(`${at}: clips outside a track are skipped`);
            break;
          }
          this.readClipsLane(c, here, cScoped, at);
          break;
        case "Points":
          this.readPoints(c, here, at);
          break;
        case "Markers":
        case "markers":
          break;
        default:
          if (c.children.length > 0)
            this.warn(
              `${at}: <${c.name}> directly on the arrangement is skipped`,
              `lane-${c.name}`,
            );
      }
    }
  }

  private readClipsLane(clips: XmlElement, placement: Placement, track: Track, path: string): void {
    const where: Where = { file: PROJECT_XML, path };
    const unit = timeUnitAttribute(clips, "timeUnit", where);
    const here = unit ? rebased(placement, unit, this.map) : placement;
    childrenNamed(clips, "Clip").forEach((clip, i) => {
      const at = `${path} > Clip ${i + 1}`;
      const notes: NoteEvent[] = [];
      const audio: AudioPiece[] = [];
      const span = this.readClip(
        clip,
        here,
        { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY },
        notes,
        audio,
        at,
      );
      if (!span) return;
      const mute = booleanAttribute(clip, "enable", { file: PROJECT_XML, path: at }) === false;
      const content = this.contentOf(clip);
      const isNotes = notes.length > 0 || (content !== undefined && this.holdsNotes(content));
      if (isNotes) {
        const startTick = Math.max(0, Math.round(span.from));
        const lengthTicks = Math.max(1, Math.round(span.to) - startTick);
        const ourId = this.clipIds.take(
          fromXmlId(content?.attributes.id, "clip_") ??
            `${track.id}-clip-${track.noteClips.length + track.clips.length + 1}`,
        );
        const clipNotes: Note[] = notes
          .map((n) => {
            const start = Math.round(n.startTick) - startTick;
            const end = Math.round(n.endTick) - startTick;
            return {
              pitch: n.pitch,
              velocity: n.velocity,
              startTick: start,
              lengthTicks: Math.max(1, end - start),
            };
          })
          .filter((n) => n.startTick >= 0)
          .sort((a, b) => a.startTick - b.startTick || a.pitch - b.pitch);
        const noteClip: NoteClip = {
          id: ourId,
          name: (clip.attributes.name ?? "").slice(0, 200),
          startTick,
          lengthTicks,
          mute,
          notes: clipNotes,
          controllers: [],
          pitchBends: [],
          programChanges: [],
        };
        track.noteClips.push(noteClip);
        if (track.kind === "audio") track.kind = "instrument";
      }
      for (const piece of audio) {
        const clipOut = this.audioClip(
          piece,
          track,
          mute,
          audio.length === 1 ? piece.clipId : undefined,
        );
        if (clipOut) track.clips.push(clipOut);
      }
      if (track.kind === "bus" && (track.clips.length > 0 || track.noteClips.length > 0)) {
        this.warn(
          `"${track.name}" is a bus and cannot hold clips; its clips are skipped`,
          `bus-clips-${track.id}`,
        );
        track.clips = [];
        track.noteClips = [];
      }
    });
  }

  private holdsNotes(element: XmlElement): boolean {
    if (element.name === "Notes") return true;
    return element.children.some(
      (c) => ["Notes", "Clips", "Clip", "Lanes"].includes(c.name) && this.holdsNotes(c),
    );
  }

  private contentOf(clip: XmlElement): XmlElement | undefined {
    return clip.children.find((c) =>
      [
        "Notes",
        "Audio",
        "Warps",
        "Clips",
        "Lanes",
        "Points",
        "Video",
        "Markers",
        "markers",
        "ClipSlot",
        "Timeline",
      ].includes(c.name),
    );
  }

  private audioClip(
    piece: AudioPiece,
    track: Track,
    mute: boolean,
    wantedId: string | undefined,
  ): AudioClip | undefined {
    const source = this.sources.get(piece.path);
    if (!source) {
      this.warn(
        `"${track.name}": audio "${piece.path.slice(0, 200)}" is not in the file; its clip is skipped`,
      );
      return undefined;
    }
    const sr = source.sampleRate;
    const startTick = Math.round(piece.startTick);
    let fileStart = piece.fileStart;
    let startAt = startTick;
    if (startAt < 0) {
      // Before the song starts: drop what would play before tick 0.
      const realBefore = this.map.ticksToSeconds(0) - this.map.ticksToSeconds(startAt);
      const rate =
        (piece.fileEnd - piece.fileStart) /
        (this.map.ticksToSeconds(piece.endTick) - this.map.ticksToSeconds(piece.startTick));
      fileStart += realBefore * rate;
      startAt = 0;
    }
    const realSeconds =
      this.map.ticksToSeconds(piece.endTick) -
      this.map.ticksToSeconds(Math.max(0, piece.startTick));
    if (!(realSeconds > 0)) return undefined;
    const offsetFrames = Math.max(0, Math.round(fileStart * sr));
    let lengthFrames = Math.round((piece.fileEnd - fileStart) * sr);
    if (offsetFrames >= source.frames) return undefined;
    if (offsetFrames + lengthFrames > source.frames) {
      lengthFrames = source.frames - offsetFrames;
    }
    if (lengthFrames < 1) return undefined;
    let rate = (piece.fileEnd - fileStart) / realSeconds;
    // A rate this close to 1 moves nothing by more than 10 µs: play it unresampled.
    if (Math.abs(rate - 1) * realSeconds < 1e-5) rate = 1;
    if (rate < 0.0625 || rate > 16 || !Number.isFinite(rate)) {
      this.warn(
        `"${track.name}": a clip plays at ${rate.toFixed(3)}× speed; it is limited to 0.0625–16×`,
      );
      rate = clamp(Number.isFinite(rate) ? rate : 1, 0.0625, 16);
    }
    let fadeIn = Math.round(piece.fadeInSeconds * sr * rate);
    let fadeOut = Math.round(piece.fadeOutSeconds * sr * rate);
    if (fadeIn + fadeOut > lengthFrames) {
      const scale = lengthFrames / (fadeIn + fadeOut);
      fadeIn = Math.floor(fadeIn * scale);
      fadeOut = Math.floor(fadeOut * scale);
    }
    const id = this.clipIds.take(
      wantedId ?? `${track.id}-clip-${track.clips.length + track.noteClips.length + 1}`,
    );
    return {
      id,
      sourceId: source.id,
      startTick: startAt,
      offsetFrames,
      lengthFrames,
      gainDb: 0,
      playbackRate: rate,
      mute: mute || piece.mute,
      fadeIn: { frames: Math.max(0, fadeIn), shape: "linear" },
      fadeOut: { frames: Math.max(0, fadeOut), shape: "linear" },
    };
  }

  /**
   * One Clip: where it lies (ticks, cut to the window it plays in), its loops unrolled and
   * its content read into note events and audio pieces. Returns its span, or undefined.
   */
  private readClip(
    clip: XmlElement,
    parent: Placement,
    window: { from: number; to: number },
    notes: NoteEvent[],
    audio: AudioPiece[],
    path: string,
  ): { from: number; to: number } | undefined {
    const where: Where = { file: PROJECT_XML, path };
    const time = finiteAttribute(clip, "time", where, true);
    const duration = finiteAttribute(clip, "duration", where);
    const contentUnit = timeUnitAttribute(clip, "contentTimeUnit", where) ?? parent.inner;
    const playStart = finiteAttribute(clip, "playStart", where) ?? 0;
    const playStop = finiteAttribute(clip, "playStop", where);
    const loopStart = finiteAttribute(clip, "loopStart", where);
    const loopEnd = finiteAttribute(clip, "loopEnd", where);
    const fadeUnit = timeUnitAttribute(clip, "fadeTimeUnit", where) ?? parent.inner;
    const fadeIn = Math.abs(finiteAttribute(clip, "fadeInTime", where) ?? 0);
    const fadeOut = Math.abs(finiteAttribute(clip, "fadeOutTime", where) ?? 0);
    const disabled = booleanAttribute(clip, "enable", where) === false;
    if (clip.attributes.reference !== undefined && this.contentOf(clip) === undefined) {
      this.warn(`${path}: linked (alias) clips are not imported`, "alias-clip");
      return undefined;
    }
    const startTick = toTick(parent, time, this.map);
    // The content starts where the clip starts and counts in its own unit from there.
    const contentAt = (elapsed: number): Placement =>
      contentUnit === parent.inner
        ? shifted(parent, time + elapsed)
        : {
            originTick: startTick,
            unit: contentUnit,
            offset: -elapsed,
            scale: 1,
            inner: contentUnit,
          };
    let endTick: number;
    if (duration !== undefined) {
      if (duration < 0) fail(where, `<Clip> duration ${duration} is negative`);
      endTick = toTick(parent, time + duration, this.map);
    } else if (playStop !== undefined) {
      endTick = toTick(contentAt(-playStart), playStop, this.map);
    } else {
      fail(where, "<Clip> has neither duration nor playStop; one is required");
    }
    const from = Math.max(window.from, startTick);
    const to = Math.min(window.to, endTick);
    if (!(to > from)) return undefined;

    const content = this.contentOf(clip);
    if (!content) return { from: startTick, to: endTick };
    const looping = loopStart !== undefined && loopEnd !== undefined && loopEnd > loopStart;
    const firstNote = notes.length;
    const firstPiece = audio.length;
    let elapsed = 0;
    let position = playStart;
    for (let iteration = 0; ; iteration++) {
      if (iteration > MAX_LOOP_ITERATIONS) {
        fail(
          where,
          `<Clip> loops more than ${MAX_LOOP_ITERATIONS} times; it cannot be imported`,
          "E_DAWPROJECT_TOO_LARGE",
        );
      }
      if (looping && position >= loopEnd) position = loopStart;
      const stop = looping ? loopEnd : (playStop ?? Number.POSITIVE_INFINITY);
      const length = stop - position;
      if (!(length > 0)) break;
      // This pass plays content [position, stop) from `elapsed` after the clip start.
      const placement = contentAt(elapsed - position);
      const passFrom = toTick(placement, position, this.map);
      if (passFrom >= to) break;
      const passTo = Number.isFinite(stop)
        ? toTick(placement, stop, this.map)
        : Number.POSITIVE_INFINITY;
      const passWindow = { from: Math.max(from, passFrom), to: Math.min(to, passTo) };
      if (passWindow.to > passWindow.from) {
        this.readContent(content, placement, passWindow, notes, audio, `${path} > ${content.name}`);
      }
      if (!looping) break;
      elapsed += length;
      position = loopStart;
      if (!Number.isFinite(passTo) || passTo >= to) break;
    }
    if (disabled) for (let i = firstPiece; i < audio.length; i++) audio[i].mute = true;
    if (disabled && notes.length > firstNote && this.clipDepth > 0) notes.length = firstNote;
    // Fades belong to the clip's first and last piece, in real seconds.
    if (audio.length > firstPiece && (fadeIn > 0 || fadeOut > 0)) {
      const seconds = (amount: number, at: number) =>
        fadeUnit === "seconds"
          ? amount
          : this.map.ticksToSeconds(at + amount * PPQ) - this.map.ticksToSeconds(at);
      const first = audio[firstPiece];
      const last = audio[audio.length - 1];
      if (fadeIn > 0) first.fadeInSeconds = Math.max(first.fadeInSeconds, seconds(fadeIn, from));
      if (fadeOut > 0)
        last.fadeOutSeconds = Math.max(
          last.fadeOutSeconds,
          seconds(fadeOut, Math.max(from, to - fadeOut * PPQ)),
        );
    }
    return { from: startTick, to: endTick };
  }

  private clipDepth = 0;

  private readContent(
    content: XmlElement,
    placement: Placement,
    window: { from: number; to: number },
    notes: NoteEvent[],
    audio: AudioPiece[],
    path: string,
  ): void {
    if (++this.pieces > MAX_PIECES) {
      fail(
        { file: PROJECT_XML, path },
        `the arrangement unrolls into more than ${MAX_PIECES} pieces; it cannot be imported`,
        "E_DAWPROJECT_TOO_LARGE",
      );
    }
    const where: Where = { file: PROJECT_XML, path };
    const unit =
      content.name === "Audio" ? "seconds" : timeUnitAttribute(content, "timeUnit", where);
    const here = unit ? rebased(placement, unit, this.map) : placement;
    switch (content.name) {
      case "Notes":
        childrenNamed(content, "Note").forEach((note, i) => {
          const at = { ...where, path: `${path} > Note ${i + 1}` };
          const time = finiteAttribute(note, "time", at, true);
          const duration = finiteAttribute(note, "duration", at, true);
          const key = finiteAttribute(note, "key", at, true);
          if (!Number.isInteger(key) || key < 0 || key > 127)
            fail(at, `<Note> key ${key} must be a whole number 0–127`);
          const vel = finiteAttribute(note, "vel", at) ?? 0.8;
          const start = toTick(here, time, this.map);
          if (start < window.from - 1e-6 || start >= window.to - 1e-6) return;
          const end = Math.min(window.to, toTick(here, time + Math.max(0, duration), this.map));
          notes.push({
            startTick: start,
            endTick: Math.max(end, start),
            pitch: key,
            velocity: Math.round(clamp(vel * 127, 1, 127)),
          });
          if (note.children.length > 0)
            this.warn("per-note expressions are not imported", "note-expression");
        });
        return;
      case "Clips":
        this.clipDepth++;
        childrenNamed(content, "Clip").forEach((clip, i) => {
          this.readClip(clip, here, window, notes, audio, `${path} > Clip ${i + 1}`);
        });
        this.clipDepth--;
        return;
      case "Lanes":
        content.children.forEach((c, i) => {
          if (c.name === "Points") {
            this.warn("automation inside clips is not imported", "clip-points");
            return;
          }
          this.readContent(c, here, window, notes, audio, `${path} > ${c.name} ${i + 1}`);
        });
        return;
      case "Warps":
        this.readWarps(content, here, window, notes, audio, path);
        return;
      case "Audio": {
        const file = child(content, "File");
        const filePath = file?.attributes.path;
        if (!filePath) fail(where, "<Audio> has no <File path>; it is required");
        if (booleanAttribute(file, "external", where) === true) {
          this.warn(
            `audio "${filePath.slice(0, 200)}" is outside the DAWproject file; its clips are skipped`,
            `external-${filePath}`,
          );
          return;
        }
        const seconds = finiteAttribute(content, "duration", where, true);
        const source = this.sources.get(filePath);
        const fileSeconds = source ? source.frames / source.sampleRate : seconds;
        // The part of the window where the file has sound: from its start to its end.
        const fileFrom = Math.max(window.from, toTick(here, 0, this.map));
        const fileTo = Math.min(window.to, toTick(here, fileSeconds, this.map));
        if (!(fileTo > fileFrom)) return;
        audio.push({
          startTick: fileFrom,
          endTick: fileTo,
          path: filePath,
          fileStart: Math.max(0, fromTick(here, fileFrom, this.map)),
          fileEnd: Math.min(fileSeconds, fromTick(here, fileTo, this.map)),
          fadeInSeconds: 0,
          fadeOutSeconds: 0,
          mute: false,
          clipId: fromXmlId(content.attributes.id, "clip_"),
        });
        return;
      }
      case "Points":
        this.warn("automation inside clips is not imported", "clip-points");
        return;
      default:
        this.warn(`<${content.name}> inside clips is not imported`, `content-${content.name}`);
    }
  }

  /**
   * Warps map the outer time (beats, usually) to the content's (seconds of audio) through
   * straight segments between Warp events. Each segment is a constant rate, so each becomes
   * its own piece; neighbours at the same rate are joined again when the clips are made.
   */
  private readWarps(
    warps: XmlElement,
    placement: Placement,
    window: { from: number; to: number },
    notes: NoteEvent[],
    audio: AudioPiece[],
    path: string,
  ): void {
    const where: Where = { file: PROJECT_XML, path };
    const contentUnit = timeUnitAttribute(warps, "contentTimeUnit", where);
    if (!contentUnit) fail(where, "<Warps> has no contentTimeUnit; it is required");
    const points = childrenNamed(warps, "Warp")
      .map((w, i) => {
        const at = { ...where, path: `${path} > Warp ${i + 1}` };
        return {
          time: finiteAttribute(w, "time", at, true),
          content: finiteAttribute(w, "contentTime", at, true),
        };
      })
      .sort((a, b) => a.time - b.time);
    const inner = warps.children.find((c) => c.name !== "Warp");
    if (!inner) fail(where, "<Warps> holds no content timeline; it is required");
    if (points.length < 2) {
      this.warn(`${path}: fewer than two Warp events; the content plays unwarped`, "few-warps");
      this.readContent(
        inner,
        { ...placement, inner: contentUnit },
        window,
        notes,
        audio,
        `${path} > ${inner.name}`,
      );
      return;
    }
    const first = audio.length;
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      if (!(b.time > a.time) || !(b.content > a.content)) {
        if (b.time > a.time)
          this.warn(
            `${path}: a warp segment that stands still or runs backwards is skipped`,
            "warp-backwards",
          );
        continue;
      }
      const ratio = (b.time - a.time) / (b.content - a.content);
      const segment = warped(placement, a.time, a.content, ratio, contentUnit);
      // The first and last segments reach on past their events (the content goes on at that rate).
      const segFrom = i === 0 ? Number.NEGATIVE_INFINITY : toTick(placement, a.time, this.map);
      const segTo =
        i + 2 === points.length ? Number.POSITIVE_INFINITY : toTick(placement, b.time, this.map);
      const sub = { from: Math.max(window.from, segFrom), to: Math.min(window.to, segTo) };
      if (sub.to > sub.from)
        this.readContent(inner, segment, sub, notes, audio, `${path} > ${inner.name}`);
    }
    // Join neighbouring pieces of one file that continue each other at the same speed.
    for (let i = audio.length - 1; i > first; i--) {
      const prev = audio[i - 1];
      const cur = audio[i];
      if (
        prev.path !== cur.path ||
        Math.abs(prev.endTick - cur.startTick) > 1e-6 ||
        Math.abs(prev.fileEnd - cur.fileStart) > 1e-9
      )
        continue;
      const rate = (p: AudioPiece) =>
        (p.fileEnd - p.fileStart) /
        (this.map.ticksToSeconds(p.endTick) - this.map.ticksToSeconds(p.startTick));
      if (Math.abs(rate(prev) - rate(cur)) > 1e-6 * rate(prev)) continue;
      prev.endTick = cur.endTick;
      prev.fileEnd = cur.fileEnd;
      audio.splice(i, 1);
    }
    const id = fromXmlId(warps.attributes.id, "clip_");
    if (id !== undefined && audio.length === first + 1) audio[first].clipId = id;
  }

  // ── Automation ─────────────────────────────────────────────────────────────────────

  private readPoints(points: XmlElement, placement: Placement, path: string): void {
    const where: Where = { file: PROJECT_XML, path };
    const target = child(points, "Target");
    if (!target) fail(where, "<Points> has no <Target>; it is required");
    const parameterId = target.attributes.parameter;
    if (parameterId === undefined) {
      if (target.attributes.expression)
        this.warn(
          `expression automation (${target.attributes.expression.slice(0, 40)}) is not imported`,
          `expr-${target.attributes.expression}`,
        );
      return;
    }
    if (parameterId === this.tempoId || parameterId === this.signatureId) return;
    const goal = this.parameters.get(parameterId);
    if (!goal) {
      this.warn(
        `automation of parameter "${parameterId.slice(0, 100)}" is not imported: Control Room automates volume, pan, mute and send levels`,
        `param-${parameterId}`,
      );
      return;
    }
    const unit = timeUnitAttribute(points, "timeUnit", where);
    const here = unit ? rebased(placement, unit, this.map) : placement;
    const valueUnit: Unit | undefined =
      unitAttribute(points, where) ?? unitAttribute(goal.element, where);
    const range = {
      min: finiteAttribute(goal.element, "min", where),
      max: finiteAttribute(goal.element, "max", where),
      unit: unitAttribute(goal.element, where),
    };
    const out: AutomationPoint[] = [];
    points.children.forEach((p, i) => {
      if (p.name === "Target") return;
      const at = { ...where, path: `${path} > ${p.name} ${i + 1}` };
      const time = finiteAttribute(p, "time", at, true);
      const tick = Math.round(toTick(here, time, this.map));
      if (tick < 0) return;
      let value: number | undefined;
      let curve: AutomationPoint["curve"] =
        p.attributes.interpolation === "linear" ? "linear" : "hold";
      if (p.name === "BoolPoint") {
        const b = booleanAttribute(p, "value", at);
        if (b === undefined) fail(at, "<BoolPoint> has no value; it is required");
        value = b ? 1 : 0;
        curve = "hold";
      } else if (p.name === "RealPoint") {
        const v = numberAttribute(p, "value", at, true);
        if (goal.parameter === "mute") {
          value = v >= 0.5 ? 1 : 0;
          curve = "hold";
        } else if (goal.parameter === "pan") {
          value = valueUnit ? toPan(v, valueUnit, range) : undefined;
          if (value !== undefined) value = clamp(value, -1, 1);
        } else {
          value = valueUnit ? toDecibels(v, valueUnit, range) : undefined;
          if (value !== undefined) value = clamp(value, -144, 12);
        }
      } else {
        this.warn(`${p.name} automation points are not imported`, `point-${p.name}`);
        return;
      }
      if (value === undefined || Number.isNaN(value)) {
        this.warn(
          `${at.path}: a value in ${valueUnit ?? "no unit"} is not understood; the point is skipped`,
          `unit-${parameterId}`,
        );
        return;
      }
      out.push({ tick, value, curve });
    });
    const lanes = this.automation.get(goal.owner) ?? new Map<string, AutomationPoint[]>();
    this.automation.set(goal.owner, lanes);
    lanes.set(goal.parameter, [...(lanes.get(goal.parameter) ?? []), ...out]);
  }

  private lanesFor(owner: string): AutomationLane[] {
    const lanes = this.automation.get(owner);
    if (!lanes) return [];
    const out: AutomationLane[] = [];
    for (const [parameter, points] of lanes) {
      if (parameter.startsWith("sends.")) {
        const sendId = parameter.split(".")[1];
        const track = this.tracks.find((t) => t.id === owner);
        if (!track?.strip.sends.some((s) => s.id === sendId)) continue;
      }
      const sorted = points
        .map((p, i) => ({ p, i }))
        .sort((a, b) => a.p.tick - b.p.tick || a.i - b.i)
        .map(({ p }) => p);
      if (sorted.length > 0) out.push({ parameter, points: sorted });
    }
    return out;
  }

  private applyAutomation(): void {
    for (const track of this.tracks) track.automation = this.lanesFor(track.id);
  }

  // ── Markers → sections ─────────────────────────────────────────────────────────────

  private readMarkers(arrangement: XmlElement): Section[] {
    const found: { tick: number; name: string; colour: string | undefined }[] = [];
    const unit = this.arrangementUnit(arrangement);
    const collect = (markers: XmlElement, placement: Placement, path: string) => {
      const where: Where = { file: PROJECT_XML, path };
      const u = timeUnitAttribute(markers, "timeUnit", where);
      const here = u ? rebased(placement, u, this.map) : placement;
      childrenNamed(markers, "Marker").forEach((m, i) => {
        const at = { ...where, path: `${path} > Marker ${i + 1}` };
        const time = finiteAttribute(m, "time", at, true);
        const color = m.attributes.color;
        found.push({
          tick: Math.round(toTick(here, time, this.map)),
          name: (m.attributes.name ?? "").trim().slice(0, 200),
          colour: color && /^#[0-9a-fA-F]{6}$/.test(color) ? color : undefined,
        });
      });
    };
    const markers = child(arrangement, "Markers");
    if (markers) collect(markers, rootPlacement(unit), "Arrangement > Markers");
    const lanes = child(arrangement, "Lanes");
    if (lanes) {
      lanes.children.forEach((c, i) => {
        if (c.name === "Markers" || c.name === "markers")
          collect(c, rootPlacement(unit), `Arrangement > Lanes > ${c.name} ${i + 1}`);
      });
    }
    const sorted = found.filter((m) => m.tick >= 0).sort((a, b) => a.tick - b.tick);
    const unique = sorted.filter((m, i) => i === 0 || m.tick !== sorted[i - 1].tick);
    if (unique.length === 0) return [];
    const contentEnd = this.contentEnd();
    const ids = new IdPool();
    return unique.map((m, i) => {
      const next = unique[i + 1];
      const lastEnd = Math.max(contentEnd, m.tick + ticksPerBar(this.map.signatureAt(m.tick)));
      const section: Section = {
        id: ids.take(`section-${i + 1}`),
        name: m.name || `Section ${i + 1}`,
        startTick: m.tick,
        lengthTicks: Math.max(1, (next ? next.tick : lastEnd) - m.tick),
        colour: m.colour ?? "#7f8c8d",
      };
      return section;
    });
  }

  /** Where the last clip ends, in ticks. */
  private contentEnd(): number {
    let end = 0;
    for (const t of this.tracks) {
      for (const c of t.noteClips) end = Math.max(end, c.startTick + c.lengthTicks);
      for (const c of t.clips) {
        const source =
          this.parsed.media.size > 0
            ? [...this.sources.values()].find((s) => s.id === c.sourceId)
            : undefined;
        if (!source) continue;
        const seconds =
          this.map.ticksToSeconds(c.startTick) +
          c.lengthFrames / source.sampleRate / c.playbackRate;
        end = Math.max(end, Math.ceil(this.map.secondsToTicks(seconds)));
      }
    }
    return end;
  }
}
