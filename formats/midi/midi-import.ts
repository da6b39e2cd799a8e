import type {
  ControllerEvent,
  Instrument,
  Note,
  NoteClip,
  PitchBendEvent,
  ProgramChangeEvent,
  Project,
  ProjectInput,
  Section,
  Syllable,
} from "../../music/project.ts";
import { SCHEMA_VERSION, Track } from "../../music/project.ts";
import {
  PPQ,
  type Tempo,
  type TempoChange,
  TempoMap,
  type TimeSignature,
  ticksPerBar,
} from "../../music/tempo-map.ts";
import { parseProject } from "../../music/validate.ts";
import { readSmfTrack, type SmfEvent } from "./smf-events.ts";
import { readSmfLayout } from "./smf-layout.ts";

/** General MIDI puts drums on channel 10, index 9 on the wire. */
export const DRUM_CHANNEL = 9;
const BANK_SELECT_MSB = 0;
const BANK_SELECT_LSB = 32;
/** The SMF default when a file states no tempo or meter (SMF 1.0, "Meta-Events"). */
const DEFAULT_BPM = 120;
const MIN_BPM = 1;
const MAX_BPM = 999;
/** An instrument track with every default filled in; the project is validated whole at the end. */
const DEFAULT_TRACK = Track.parse({ id: "midi", name: "MIDI", kind: "instrument" });

/** What a Standard MIDI File holds, in the document's terms, ready to go into a project. */
export interface MidiImport {
  /** The sequence name (a format 1 conductor track's name), or the file's name. */
  title: string;
  tempo: Tempo;
  /** One instrument track per MIDI track and channel that plays notes. */
  tracks: Track[];
  /** From marker meta events: each runs to the next marker, the last to the end. */
  sections: Section[];
}

/**
 * Reads a Standard MIDI File (format 0 or 1) into a new project. Throws a ControlRoomError
 * with a code starting `E_MIDI` naming `fileName` when the bytes are not a MIDI file it can
 * read.
 */
export function midiToProject(bytes: Uint8Array, fileName: string): Project {
  const song = readMidiFile(bytes, fileName);
  const input: ProjectInput = {
    schemaVersion: SCHEMA_VERSION,
    song: { title: song.title },
    tempo: song.tempo,
    sections: song.sections,
    tracks: song.tracks,
  };
  return parseProject(input, fileName);
}

/**
 * Reads the tracks, tempo map and sections of a Standard MIDI File, to merge into a project.
 *
 * Ticks are rescaled from the file's resolution to 960 PPQ by rounding half up
 * (`floor(tick · 960 / ppq + ½)`), each event on its own, so every onset and every note end
 * lands within half a tick of where the file puts it, and a note keeps at least one tick.
 *
 * Each MIDI track × channel that plays notes becomes one instrument track with one note clip,
 * from the bar line at or before its first event to the bar line at or after its last (gaps
 * are not split). Its instrument is its first program change, with the bank CC 0/CC 32 chose
 * before it, or else the program its channel has from another track when its first note
 * sounds; channel 10 plays drums. Later program changes become ProgramChangeEvents, carrying
 * a bank only when a bank select came since the program change before. Every other controller
 * is kept; channels without notes are dropped with their controllers. A note-off ends the
 * oldest sounding note of its pitch; a note never ended stops at its track's last event.
 * Lyrics go to the first track made from their MIDI track (to the first track of the song
 * when theirs has no notes), anchored to a note that starts at their tick.
 */
export function readMidiFile(bytes: Uint8Array, fileName: string): MidiImport {
  const layout = readSmfLayout(bytes, fileName);
  const ppq = layout.ticksPerQuarter;
  const rescale = (tick: number): number => Math.floor((tick * PPQ * 2 + ppq) / (2 * ppq));
  const midiTracks = layout.tracks.map((_, i) => {
    const events = readSmfTrack(layout, i, fileName);
    for (const e of events) e.tick = rescale(e.tick);
    return events;
  });

  // The events whose effect crosses tracks, merged in time order (stable: track order at a tick).
  const all = midiTracks
    .flat()
    .filter(
      (e) =>
        e.kind === "tempo" ||
        e.kind === "timeSignature" ||
        e.kind === "marker" ||
        e.kind === "program" ||
        (e.kind === "controller" &&
          (e.controller === BANK_SELECT_MSB || e.controller === BANK_SELECT_LSB)),
    )
    .sort((a, b) => a.tick - b.tick);
  const tempo = readTempo(all);
  const meter = new TempoMap(tempo);
  const baseName = fileName.replace(/^.*[/\\]/, "").replace(/\.(midi?|kar|smf)$/i, "") || "MIDI";

  const programs = programsByChannel(all);
  const tracks: Track[] = [];
  const orphanLyrics: Syllable[] = [];
  let title = baseName;
  midiTracks.forEach((events, t) => {
    const name = events.find((e) => e.kind === "trackName")?.text;
    const instrumentName = events.find((e) => e.kind === "instrumentName")?.text;
    const playing = new Set<number>();
    const lyrics: { tick: number; text: string }[] = [];
    for (const e of events) {
      if (e.kind === "noteOn") playing.add(e.channel);
      else if (e.kind === "lyric") lyrics.push({ tick: e.tick, text: e.text.slice(0, 100) });
    }
    const channels = [...playing].sort((a, b) => a - b);
    if (channels.length === 0) {
      if (layout.format === 1 && t === 0 && name) title = name.slice(0, 500);
      orphanLyrics.push(...lyrics.map((l) => ({ ...l, anchor: "tick" as const })));
      return;
    }
    channels.forEach((channel, c) => {
      const base = name ?? instrumentName ?? `Track ${t + 1}`;
      const trackName = channels.length > 1 ? `${base} (channel ${channel + 1})` : base;
      const id = `midi-${tracks.length + 1}`;
      const track = channelTrack(events, channel, id, trackName.slice(0, 200), meter, programs);
      if (c === 0) track.lyrics = anchorLyrics(lyrics, track.noteClips[0]);
      tracks.push(track);
    });
  });
  if (orphanLyrics.length > 0 && tracks.length > 0) {
    tracks[0].lyrics = [...tracks[0].lyrics, ...orphanLyrics].sort((a, b) => a.tick - b.tick);
  }

  let end = 1;
  for (const t of tracks)
    end = Math.max(end, t.noteClips[0].startTick + t.noteClips[0].lengthTicks);
  return { title, tempo, tracks, sections: readSections(all, end) };
}

/**
 * Tempo changes and time signatures from every track (format 1 keeps them in the first,
 * but files in the wild put them anywhere). At one tick the last event wins.
 *
 * Tempos outside the document's 1–999 BPM are clamped into it. A time signature the
 * document cannot hold (a denominator above 32, a numerator above 64) is skipped. One that
 * does not fall on a bar line of the meter before it is moved forward to that meter's next
 * bar line: the notes stay where they are, only the bar lines after it move.
 */
function readTempo(sorted: SmfEvent[]): Tempo {
  const byTick = new Map<number, number>([[0, DEFAULT_BPM]]);
  const meters = new Map<number, Omit<TimeSignature, "tick">>([
    [0, { numerator: 4, denominator: 4 }],
  ]);
  for (const e of sorted) {
    if (e.kind === "tempo") {
      const bpm = e.microsecondsPerQuarter === 0 ? MAX_BPM : 60_000_000 / e.microsecondsPerQuarter;
      byTick.set(e.tick, Math.min(MAX_BPM, Math.max(MIN_BPM, bpm)));
    } else if (e.kind === "timeSignature") {
      const { numerator, denominator } = e;
      if (numerator < 1 || numerator > 64) continue;
      if (![1, 2, 4, 8, 16, 32].includes(denominator)) continue;
      meters.set(e.tick, { numerator, denominator } as Omit<TimeSignature, "tick">);
    }
  }
  const changes: TempoChange[] = [];
  for (const [tick, bpm] of [...byTick].sort((a, b) => a[0] - b[0])) {
    if (changes.at(-1)?.bpm !== bpm) changes.push({ tick, bpm });
  }
  const timeSignatures: TimeSignature[] = [];
  for (const [tick, meter] of [...meters].sort((a, b) => a[0] - b[0])) {
    let at = tick;
    const previous = timeSignatures.at(-1);
    if (previous) {
      const bar = ticksPerBar(previous);
      at = previous.tick + Math.max(0, Math.ceil((tick - previous.tick) / bar)) * bar;
      // Moved onto the bar line where the one before already starts: the later one wins.
      if (at === previous.tick) timeSignatures.pop();
    }
    const last = timeSignatures.at(-1);
    if (last?.numerator === meter.numerator && last.denominator === meter.denominator) continue;
    timeSignatures.push({ tick: at, ...meter });
  }
  return { changes, timeSignatures };
}

interface ChannelProgram {
  tick: number;
  instrument: Instrument;
}

/** Every program change of each channel, across all tracks, with the bank selected before it. */
function programsByChannel(merged: SmfEvent[]): ChannelProgram[][] {
  const banks = Array.from({ length: 16 }, () => ({ msb: 0, lsb: 0 }));
  const programs: ChannelProgram[][] = Array.from({ length: 16 }, () => []);
  for (const e of merged) {
    if (e.kind === "controller" && e.controller === BANK_SELECT_MSB) banks[e.channel].msb = e.value;
    if (e.kind === "controller" && e.controller === BANK_SELECT_LSB) banks[e.channel].lsb = e.value;
    if (e.kind === "program") {
      const { msb, lsb } = banks[e.channel];
      programs[e.channel].push({
        tick: e.tick,
        instrument: {
          soundfont: "default",
          bank: msb * 128 + lsb,
          program: e.program,
          drums: e.channel === DRUM_CHANNEL,
        },
      });
    }
  }
  return programs;
}

/** Bank select state of one channel inside one track. */
interface BankState {
  msb: number;
  lsb: number;
  seen: boolean;
}

function channelTrack(
  events: SmfEvent[],
  channel: number,
  id: string,
  name: string,
  meter: TempoMap,
  programs: ChannelProgram[][],
): Track {
  // A track's events are in time order already: delta times are never negative.
  const mine = events.filter((e) => "channel" in e && e.channel === channel);
  const notes: Note[] = [];
  const controllers: ControllerEvent[] = [];
  const pitchBends: PitchBendEvent[] = [];
  const programChanges: ProgramChangeEvent[] = [];
  const bank: BankState = { msb: 0, lsb: 0, seen: false };
  let instrument: Instrument | undefined;
  // Sounding notes per pitch, oldest first: a note-off ends the oldest (first in, first out).
  const sounding = new Map<number, { tick: number; velocity: number }[]>();
  let lastTick = 0;

  for (const e of mine) {
    lastTick = Math.max(lastTick, e.tick);
    switch (e.kind) {
      case "noteOn": {
        const list = sounding.get(e.pitch) ?? [];
        list.push({ tick: e.tick, velocity: e.velocity });
        sounding.set(e.pitch, list);
        break;
      }
      case "noteOff": {
        const start = sounding.get(e.pitch)?.shift();
        if (start) notes.push(note(e.pitch, start, e.tick));
        break;
      }
      case "controller":
        if (e.controller === BANK_SELECT_MSB) {
          bank.msb = e.value;
          bank.seen = true;
        } else if (e.controller === BANK_SELECT_LSB) {
          bank.lsb = e.value;
          bank.seen = true;
        } else {
          controllers.push({ tick: e.tick, controller: e.controller, value: e.value });
        }
        break;
      case "pitchBend":
        pitchBends.push({ tick: e.tick, value: e.value });
        break;
      case "program": {
        const bankNumber = bank.msb * 128 + bank.lsb;
        if (!instrument) {
          instrument = {
            soundfont: "default",
            bank: bankNumber,
            program: e.program,
            drums: channel === DRUM_CHANNEL,
          };
        } else {
          programChanges.push({
            tick: e.tick,
            program: e.program,
            ...(bank.seen ? { bank: bankNumber } : {}),
          });
        }
        // A bank select belongs to the program change that follows it.
        bank.seen = false;
        break;
      }
      default:
        break;
    }
  }
  // A note the file never ends stops where the track's last event is.
  for (const [pitch, list] of sounding) {
    for (const start of list) notes.push(note(pitch, start, lastTick));
  }
  notes.sort((a, b) => a.startTick - b.startTick || a.pitch - b.pitch);

  let firstTick = Number.POSITIVE_INFINITY;
  let lastEnd = 0;
  const span = (tick: number, end: number) => {
    firstTick = Math.min(firstTick, tick);
    lastEnd = Math.max(lastEnd, end);
  };
  for (const n of notes) span(n.startTick, n.startTick + n.lengthTicks);
  for (const list of [controllers, pitchBends, programChanges]) {
    for (const e of list) span(e.tick, e.tick + 1);
  }
  const start = barLineAtOrBefore(meter, firstTick);
  const end = barLineAtOrAfter(meter, lastEnd);
  const clip: NoteClip = {
    id: `${id}-clip`,
    name,
    startTick: start,
    lengthTicks: Math.max(1, end - start),
    mute: false,
    notes: notes.map((n) => ({ ...n, startTick: n.startTick - start })),
    controllers: controllers.map((c) => ({ ...c, tick: c.tick - start })),
    pitchBends: pitchBends.map((p) => ({ ...p, tick: p.tick - start })),
    programChanges: programChanges.map((p) => ({ ...p, tick: p.tick - start })),
  };
  if (!instrument) {
    // MIDI channels are shared by every track of a file: a program another track set plays here.
    const firstNote = notes[0]?.startTick ?? 0;
    const set = programs[channel].findLast((p) => p.tick <= firstNote);
    if (set) instrument = { ...set.instrument, drums: channel === DRUM_CHANNEL };
  }
  return {
    ...structuredClone(DEFAULT_TRACK),
    id,
    name,
    noteClips: [clip],
    instrument: instrument ?? {
      soundfont: "default",
      bank: 0,
      program: 0,
      drums: channel === DRUM_CHANNEL,
    },
  };
}

function note(pitch: number, start: { tick: number; velocity: number }, end: number): Note {
  return {
    pitch,
    velocity: start.velocity,
    startTick: start.tick,
    lengthTicks: Math.max(1, end - start.tick),
  };
}

function barLineAtOrBefore(meter: TempoMap, tick: number): number {
  const { bar } = meter.tickToBarPosition(tick);
  return meter.barPositionToTick({ bar, beat: 1, tick: 0 });
}

function barLineAtOrAfter(meter: TempoMap, tick: number): number {
  const before = barLineAtOrBefore(meter, tick);
  if (before === tick) return tick;
  return meter.barPositionToTick({ bar: meter.tickToBarPosition(tick).bar + 1, beat: 1, tick: 0 });
}

/** A syllable sits on a note when a note of its track starts at its tick. */
function anchorLyrics(lyrics: { tick: number; text: string }[], clip: NoteClip): Syllable[] {
  const onsets = new Set(clip.notes.map((n) => clip.startTick + n.startTick));
  return lyrics.map((l) => ({ ...l, anchor: onsets.has(l.tick) ? "note" : "tick" }));
}

/** Markers become sections; at one tick the last marker names it. */
function readSections(events: SmfEvent[], end: number): Section[] {
  const names = new Map<number, string>();
  for (const e of events) if (e.kind === "marker") names.set(e.tick, e.text.slice(0, 200));
  const starts = [...names.keys()].sort((a, b) => a - b);
  const songEnd = Math.max(end, (starts.at(-1) ?? 0) + 1);
  return starts.map((tick, i) => ({
    id: `section-${i + 1}`,
    name: names.get(tick) as string,
    startTick: tick,
    lengthTicks: (starts[i + 1] ?? songEnd) - tick,
    colour: "#7f8c8d",
  }));
}
