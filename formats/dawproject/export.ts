import {
  type AudioClip,
  type AudioSource,
  type AutomationLane,
  type ForeignDevice,
  MASTER,
  type NoteClip,
  type Project,
  type Track,
} from "../../music/project.ts";
import type { ChannelStrip } from "../../music/strip.ts";
import { PPQ, TempoMap } from "../../music/tempo-map.ts";
import { masterLimiter, soundFontDevice, stripCompressor, stripEqualizer } from "./devices.ts";
import { toXmlId } from "./ids.ts";
import {
  convertDawproject,
  type DeclaredMedia,
  METADATA_XML,
  PROJECT_XML,
  sourceIdFor,
} from "./import.ts";
import { documentChanges, type InterchangeChange } from "./round-trip.ts";
import { decibelsToLinear } from "./units.ts";
import { el, parseXml, serializeXml, type XmlElement } from "./xml.ts";

/**
 * Our document → DAWproject (project.xml, metadata.xml and the files to embed). Positions
 * are written in beats (quarter notes), audio as Warps from beats to seconds of the file,
 * volumes as linear gain with pan normalized, as Bitwig writes them. What DAWproject cannot
 * say is listed in `lost` instead of being dropped silently.
 */

export const APPLICATION = { name: "Control Room", version: "0.1.0" };

export interface DawprojectExport {
  projectXml: string;
  metadataXml: string;
  /** Files to put in the archive: its path there → the project file it comes from. */
  files: Map<string, string>;
  /** What did not fit the format, one sentence each. */
  lost: string[];
  /**
   * Every setting an import of this export gives back differently (the document read back
   * from the XML written, against the one exported), with its value before and after.
   */
  changes: InterchangeChange[];
}

export function projectToDawproject(project: Project): DawprojectExport {
  const written = new Exporter(project).run();
  return { ...written, changes: documentChanges(project, readBack(project, written)) };
}

/** The document our import makes of an export, with its audio and plug-in states as they were. */
function readBack(project: Project, written: Omit<DawprojectExport, "changes">): Project {
  const byFile = new Map(project.sources.map((s) => [s.file, s]));
  const media = new Map<string, DeclaredMedia>();
  const sources = new Map<string, AudioSource>();
  const stateFiles = new Map<string, string>();
  for (const [inside, file] of written.files) {
    const source = byFile.get(file);
    if (source) {
      sources.set(inside, source);
      media.set(inside, {
        path: inside,
        sampleRate: source.sampleRate,
        channels: source.channels,
        seconds: source.frames / source.sampleRate,
      });
    } else stateFiles.set(inside, file);
  }
  const parsed = {
    archiveName: "export.dawproject",
    project: parseXml(written.projectXml, PROJECT_XML),
    metadata: parseXml(written.metadataXml, METADATA_XML),
    media,
    stateFiles: [...stateFiles.keys()],
  };
  return convertDawproject(parsed, sources, { title: project.song.title, stateFiles }).project;
}

/** The archive path of a source: `audio/<file name>`, or `audio/<id>/<file name>` when the id is not the name. */
export function sourceArchivePath(source: AudioSource): string {
  const name = source.file.split("/").at(-1) ?? "audio.wav";
  const plain = `audio/${name}`;
  return sourceIdFor(plain) === source.id ? plain : `audio/${toXmlId(source.id)}/${name}`;
}

class Exporter {
  private readonly project: Project;
  private readonly map: TempoMap;
  private readonly lost: string[] = [];
  private readonly files = new Map<string, string>();
  private nextId = 0;
  /** Our track id (or master) → its Channel's XML id. */
  private readonly channelIds = new Map<string, string>();
  /** `<owner>/<parameter>` → the XML id of the parameter automation targets. */
  private readonly parameterIds = new Map<string, string>();
  private readonly sources: Map<string, AudioSource>;

  constructor(project: Project) {
    this.project = project;
    this.map = new TempoMap(project.tempo);
    this.sources = new Map(project.sources.map((s) => [s.id, s]));
  }

  private readonly usedIds = new Set<string>();

  /** Our own element ids; kept devices keep theirs unless one is already taken. */
  private id(): string {
    let id: string;
    do id = `cr-id${this.nextId++}`;
    while (this.usedIds.has(id));
    this.usedIds.add(id);
    return id;
  }

  run(): Omit<DawprojectExport, "changes"> {
    const p = this.project;
    const tempoId = this.id();
    const signatureId = this.id();
    const first = p.tempo.timeSignatures[0];
    const transport = el("Transport", {}, [
      el("Tempo", {
        id: tempoId,
        name: "Tempo",
        max: 999,
        min: 10,
        unit: "bpm",
        value: p.tempo.changes[0].bpm,
      }),
      el("TimeSignature", {
        id: signatureId,
        name: "Time Signature",
        denominator: first.denominator,
        numerator: first.numerator,
      }),
    ]);
    for (const t of p.tracks) this.channelIds.set(t.id, toXmlId(t.id, "ch_"));
    this.channelIds.set(MASTER, "cr_master_channel");

    const sendTargets = new Set(p.tracks.flatMap((t) => t.strip.sends.map((s) => s.busId)));
    const outputTargets = new Set(p.tracks.map((t) => t.output));
    const structure = el("Structure", {}, [
      ...p.tracks.map((t) => this.track(t, sendTargets, outputTargets)),
      this.masterTrack(),
    ]);

    const trackLanes = p.tracks.map((t) =>
      el("Lanes", { id: this.id(), track: toXmlId(t.id) }, [
        el("Clips", { id: this.id() }, [
          ...t.noteClips.map((c) => this.noteClip(c, t)),
          ...t.clips.map((c) => this.audioClip(c, t)),
        ]),
        ...this.points(t.id, t.automation),
      ]),
    );
    const masterLanes = el("Lanes", { id: this.id(), track: "cr_master" }, [
      ...this.points(MASTER, p.master.automation),
    ]);
    const arrangementChildren: XmlElement[] = [
      el("Lanes", { id: this.id(), timeUnit: "beats" }, [...trackLanes, masterLanes]),
    ];
    if (p.sections.length > 0) {
      arrangementChildren.push(
        el(
          "Markers",
          { id: this.id() },
          p.sections.map((s) =>
            el("Marker", { time: s.startTick / PPQ, name: s.name, color: s.colour }),
          ),
        ),
      );
      if (
        p.sections.some(
          (s, i) =>
            i + 1 < p.sections.length &&
            s.startTick + s.lengthTicks !== p.sections[i + 1].startTick,
        )
      ) {
        this.lost.push("sections are written as markers: gaps between sections are not kept");
      }
    }
    if (p.tempo.changes.length > 1) {
      arrangementChildren.push(
        el("TempoAutomation", { id: this.id(), unit: "bpm" }, [
          el("Target", { parameter: tempoId }),
          ...p.tempo.changes.map((c) =>
            el("RealPoint", { time: c.tick / PPQ, value: c.bpm, interpolation: "hold" }),
          ),
        ]),
      );
    }
    if (p.tempo.timeSignatures.length > 1) {
      arrangementChildren.push(
        el("TimeSignatureAutomation", { id: this.id() }, [
          el("Target", { parameter: signatureId }),
          ...p.tempo.timeSignatures.map((s) =>
            el("TimeSignaturePoint", {
              time: s.tick / PPQ,
              numerator: s.numerator,
              denominator: s.denominator,
            }),
          ),
        ]),
      );
    }
    const root = el("Project", { version: "1.0" }, [
      el("Application", APPLICATION),
      transport,
      structure,
      el("Arrangement", { id: this.id() }, arrangementChildren),
    ]);
    if (p.chords.length > 0) this.lost.push("the chord track has no place in DAWproject");
    const metadata = el("MetaData", {}, [
      el("Title", {}, [], p.song.title),
      el("Artist", {}, [], p.song.artist),
      el("Comment", {}, [], p.song.notes),
    ]);
    const header = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
    return {
      projectXml: header + serializeXml(root),
      metadataXml: header + serializeXml(metadata),
      files: this.files,
      lost: this.lost,
    };
  }

  private track(t: Track, sendTargets: Set<string>, outputTargets: Set<string>): XmlElement {
    const role =
      t.kind === "bus"
        ? sendTargets.has(t.id) && !outputTargets.has(t.id)
          ? "effect"
          : "submix"
        : "regular";
    const contentType = t.kind === "instrument" ? "notes" : "audio";
    if (t.lyrics.length > 0) this.lost.push(`"${t.name}": lyrics have no place in DAWproject`);
    let instrument: XmlElement | undefined;
    if (t.kind === "instrument" && t.instrument) {
      instrument = soundFontDevice(t.instrument, this.id());
      if (t.instrument.soundfont !== "default") {
        this.lost.push(
          `"${t.name}": the soundfont file ${t.instrument.soundfont} is not written; the program plays from the default soundfont`,
        );
      }
    }
    return el("Track", { id: toXmlId(t.id), name: t.name, contentType, loaded: true }, [
      this.channel(t.id, t.name, t.strip, role, t.output, t.devices ?? [], undefined, instrument),
    ]);
  }

  private masterTrack(): XmlElement {
    const m = this.project.master;
    const limiter = masterLimiter(m.limiter, this.id());
    if (m.limiter.enabled && (m.limiter.truePeak || m.limiter.lookaheadMs !== 5)) {
      this.lost.push(
        "the master limiter's look-ahead and true-peak mode have no place in DAWproject",
      );
    }
    return el(
      "Track",
      { id: "cr_master", name: "Master", contentType: "audio notes", loaded: true },
      [this.channel(MASTER, "Master", m.strip, "master", undefined, m.devices ?? [], limiter)],
    );
  }

  private channel(
    owner: string,
    name: string,
    strip: ChannelStrip,
    role: string,
    output: string | undefined,
    foreign: ForeignDevice[],
    limiter?: XmlElement,
    instrument?: XmlElement,
  ): XmlElement {
    const channelId = this.channelIds.get(owner)!;
    const devices: XmlElement[] = [];
    const instruments = foreign.filter((d) => /deviceRole="instrument"/.test(d.xml));
    const others = foreign.filter((d) => !instruments.includes(d));
    if (instrument) devices.push(instrument);
    for (const d of instruments) devices.push(this.foreignDevice(d));
    const eq = stripEqualizer(strip, this.id());
    if (eq) devices.push(eq);
    const key = strip.compressor.sidechainTrackId;
    const compressor = stripCompressor(
      strip,
      this.id(),
      key === null ? undefined : this.channelIds.get(key),
    );
    if (compressor) devices.push(compressor);
    if (limiter) devices.push(limiter);
    for (const d of others) devices.push(this.foreignDevice(d));
    if (strip.trimDb !== 0 || strip.invertPolarity) {
      this.lost.push(`"${name}": trim and polarity have no place in DAWproject`);
    }
    const volumeId = this.id();
    const panId = this.id();
    const muteId = this.id();
    this.parameterIds.set(`${owner}/faderDb`, volumeId);
    this.parameterIds.set(`${owner}/pan`, panId);
    this.parameterIds.set(`${owner}/mute`, muteId);
    const sends = strip.sends.map((s) => {
      const levelId = this.id();
      this.parameterIds.set(`${owner}/sends.${s.id}.levelDb`, levelId);
      return el(
        "Send",
        {
          id: toXmlId(s.id, "send_"),
          destination: this.channelIds.get(s.busId),
          type: s.preFader ? "pre" : "post",
        },
        [
          el("Enable", { id: this.id(), value: s.enabled }),
          el("Volume", {
            id: levelId,
            name: "Send",
            max: decibelsToLinear(12),
            min: 0,
            unit: "linear",
            value: decibelsToLinear(s.levelDb),
          }),
        ],
      );
    });
    const children: XmlElement[] = [];
    if (devices.length > 0) children.push(el("Devices", {}, devices));
    children.push(el("Mute", { id: muteId, name: "Mute", value: strip.mute }));
    children.push(
      el("Pan", {
        id: panId,
        name: "Pan",
        max: 1,
        min: 0,
        unit: "normalized",
        value: (strip.pan + 1) / 2,
      }),
    );
    if (sends.length > 0) children.push(el("Sends", {}, sends));
    children.push(
      el("Volume", {
        id: volumeId,
        name: "Volume",
        max: decibelsToLinear(12),
        min: 0,
        unit: "linear",
        value: decibelsToLinear(strip.faderDb),
      }),
    );
    return el(
      "Channel",
      {
        id: channelId,
        name,
        role,
        audioChannels: 2,
        solo: strip.solo,
        destination: output === undefined ? undefined : this.channelIds.get(output),
      },
      children,
    );
  }

  private foreignDevice(device: ForeignDevice): XmlElement {
    const element = parseXml(device.xml, `device "${device.name}"`);
    const keepOrRenumber = (e: XmlElement) => {
      const id = e.attributes.id;
      if (id !== undefined) {
        if (this.usedIds.has(id) || !/^[A-Za-z_][\w.-]*$/.test(id)) e.attributes.id = this.id();
        else this.usedIds.add(id);
      }
      for (const c of e.children) keepOrRenumber(c);
    };
    keepOrRenumber(element);
    const state = element.children.find((c) => c.name === "State");
    if (state && device.stateFile !== undefined) {
      const path = `plugins/${device.stateFile.split("/").at(-1)}`;
      state.attributes.path = path;
      this.files.set(path, device.stateFile);
    }
    return element;
  }

  private noteClip(clip: NoteClip, track: Track): XmlElement {
    if (clip.controllers.length + clip.pitchBends.length + clip.programChanges.length > 0) {
      this.lost.push(
        `"${track.name}": controllers, pitch bends and program changes of clip "${clip.name || clip.id}" are not written`,
      );
    }
    const channel = track.instrument?.drums ? 9 : 0;
    return el(
      "Clip",
      {
        name: clip.name || undefined,
        time: clip.startTick / PPQ,
        duration: clip.lengthTicks / PPQ,
        playStart: 0,
        enable: !clip.mute,
      },
      [
        el(
          "Notes",
          { id: toXmlId(clip.id, "clip_") },
          clip.notes.map((n) =>
            el("Note", {
              time: n.startTick / PPQ,
              duration: n.lengthTicks / PPQ,
              channel,
              key: n.pitch,
              vel: n.velocity / 127,
              rel: n.velocity / 127,
            }),
          ),
        ),
      ],
    );
  }

  /**
   * An audio clip as Warps from beats to seconds of its file. Our clip plays at a constant
   * speed in real time, so where the tempo changes under it, a Warp event is written too:
   * beats → seconds is then linear between events, as DAWproject reads Warps.
   */
  private audioClip(clip: AudioClip, track: Track): XmlElement {
    const source = this.sources.get(clip.sourceId)!;
    if (clip.gainDb !== 0)
      this.lost.push(`"${track.name}": clip gain (${clip.gainDb} dB) has no place in DAWproject`);
    const sr = source.sampleRate;
    const startSeconds = this.map.ticksToSeconds(clip.startTick);
    const realSeconds = clip.lengthFrames / sr / clip.playbackRate;
    const endTick = this.map.secondsToTicks(startSeconds + realSeconds);
    const beatsAt = (tick: number) => (tick - clip.startTick) / PPQ;
    const contentAt = (tick: number) =>
      clip.offsetFrames / sr + (this.map.ticksToSeconds(tick) - startSeconds) * clip.playbackRate;
    const ticks = [clip.startTick];
    for (const c of this.project.tempo.changes) {
      if (c.tick > clip.startTick && c.tick < endTick) ticks.push(c.tick);
    }
    ticks.push(endTick);
    const path = sourceArchivePath(source);
    this.files.set(path, source.file);
    const fade = (frames: number) => frames / sr / clip.playbackRate;
    if (clip.fadeIn.shape !== "linear" || clip.fadeOut.shape !== "linear") {
      this.lost.push(
        `"${track.name}": fade shapes are written as plain fades (DAWproject has no shape)`,
      );
    }
    return el(
      "Clip",
      {
        time: clip.startTick / PPQ,
        duration: (endTick - clip.startTick) / PPQ,
        playStart: 0,
        fadeTimeUnit: "seconds",
        fadeInTime: fade(clip.fadeIn.frames),
        fadeOutTime: fade(clip.fadeOut.frames),
        enable: !clip.mute,
      },
      [
        el(
          "Warps",
          { id: toXmlId(clip.id, "clip_"), contentTimeUnit: "seconds", timeUnit: "beats" },
          [
            el(
              "Audio",
              {
                id: this.id(),
                channels: source.channels,
                sampleRate: sr,
                duration: source.frames / sr,
                algorithm: clip.playbackRate === 1 ? undefined : "repitch",
              },
              [el("File", { path })],
            ),
            ...ticks.map((t) => el("Warp", { time: beatsAt(t), contentTime: contentAt(t) })),
          ],
        ),
      ],
    );
  }

  private points(owner: string, lanes: AutomationLane[]): XmlElement[] {
    const out: XmlElement[] = [];
    for (const lane of lanes) {
      const target = this.parameterIds.get(`${owner}/${lane.parameter}`);
      if (!target) {
        this.lost.push(
          `automation of ${lane.parameter} on "${owner}" is not written (DAWproject automates volume, pan, mute and sends here)`,
        );
        continue;
      }
      if (lane.parameter === "mute") {
        out.push(
          el("Points", { id: this.id() }, [
            el("Target", { parameter: target }),
            ...lane.points.map((p) =>
              el("BoolPoint", { time: p.tick / PPQ, value: p.value >= 0.5 }),
            ),
          ]),
        );
        continue;
      }
      const pan = lane.parameter === "pan";
      out.push(
        el("Points", { id: this.id(), unit: pan ? "normalized" : "decibel" }, [
          el("Target", { parameter: target }),
          ...lane.points.map((p) =>
            el("RealPoint", {
              time: p.tick / PPQ,
              value: pan ? (p.value + 1) / 2 : p.value,
              interpolation: p.curve === "linear" ? "linear" : "hold",
            }),
          ),
        ]),
      );
    }
    return out;
  }
}

export { METADATA_XML, PROJECT_XML };
