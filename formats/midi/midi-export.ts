import { ControlRoomError } from "../../music/errors.ts";
import type { Project, Track } from "../../music/project.ts";
import { PPQ } from "../../music/tempo-map.ts";
import { DRUM_CHANNEL } from "./midi-import.ts";
import { type SmfOutEvent, writeSmf } from "./smf-writer.ts";

/** The channels melodic tracks take, in order: 1–16 without 10, which General MIDI keeps for drums. */
const MELODIC_CHANNELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15];
/** SMF tempo is microseconds per quarter note in 24 bits. */
const MAX_MICROSECONDS = 0xff_ffff;
const NOTE_OFF_VELOCITY = 64;
/** A delta time is at most four bytes of seven bits (SMF 1.0). */
const MAX_DELTA = 0x0fff_ffff;

const NOTE_OFF = 0x80;
const NOTE_ON = 0x90;
const CONTROLLER = 0xb0;
const PROGRAM_CHANGE = 0xc0;
const PITCH_BEND = 0xe0;
const META_TRACK_NAME = 0x03;
const META_LYRIC = 0x05;
const META_MARKER = 0x06;
const META_TEMPO = 0x51;
const META_TIME_SIGNATURE = 0x58;

type Timed = { order: number; event: SmfOutEvent };

/**
 * Writes a project's note clips and tempo map as a Standard MIDI File, format 1 at 960 PPQ.
 *
 * The first track is the conductor: the song's title, every tempo change and time signature,
 * and the sections as markers. Then one track per instrument track, in project order, named
 * after it, with its bank and program at tick 0, its notes, controllers, pitch bends, program
 * changes and lyrics. Drum tracks play on channel 10; the others take channels 1–16 without
 * 10 in turn and share them round-robin past fifteen. Muted clips are left out, and a clip is
 * a window: what lies past its end is not written. Audio and bus tracks have nothing to write.
 */
export function projectToMidi(project: Project): Uint8Array {
  const instruments = project.tracks.filter((t) => t.kind === "instrument");
  if (instruments.length + 1 > 0xffff) {
    throw new ControlRoomError(
      "E_MIDI_EXPORT_TRACKS",
      `the project has ${instruments.length} instrument tracks; a MIDI file holds at most ${0xffff - 1}`,
      "tracks",
    );
  }
  const tracks: SmfOutEvent[][] = [conductorTrack(project)];
  let melodic = 0;
  for (const track of instruments) {
    const drums = track.instrument?.drums ?? false;
    const channel = drums ? DRUM_CHANNEL : MELODIC_CHANNELS[melodic++ % MELODIC_CHANNELS.length];
    tracks.push(instrumentTrack(track, channel));
  }
  return writeSmf(PPQ, tracks);
}

function conductorTrack(project: Project): SmfOutEvent[] {
  const events: Timed[] = [];
  events.push({ order: 0, event: meta(0, META_TRACK_NAME, text(project.song.title)) });
  for (const change of project.tempo.changes) {
    const microseconds = Math.min(
      MAX_MICROSECONDS,
      Math.max(1, Math.round(60_000_000 / change.bpm)),
    );
    const bytes = [microseconds >> 16, (microseconds >> 8) & 0xff, microseconds & 0xff];
    events.push({ order: 1, event: meta(change.tick, META_TEMPO, Uint8Array.from(bytes)) });
  }
  for (const signature of project.tempo.timeSignatures) {
    // One click a quarter note, eight 32nds to the quarter (SMF 1.0, FF 58).
    const bytes = [signature.numerator, Math.log2(signature.denominator), 24, 8];
    events.push({
      order: 1,
      event: meta(signature.tick, META_TIME_SIGNATURE, Uint8Array.from(bytes)),
    });
  }
  for (const section of project.sections) {
    events.push({ order: 2, event: meta(section.startTick, META_MARKER, text(section.name)) });
  }
  return inTimeOrder(events);
}

function instrumentTrack(track: Track, channel: number): SmfOutEvent[] {
  const events: Timed[] = [];
  const at = (order: number, event: SmfOutEvent) => {
    events.push({ order, event });
  };
  at(0, meta(0, META_TRACK_NAME, text(track.name)));
  const instrument = track.instrument ?? { bank: 0, program: 0 };
  for (const event of programEvents(0, channel, instrument.program, instrument.bank)) at(2, event);

  // At one tick: notes end first, so a note struck again at its own end is heard, then
  // programs, controllers and bends, and the new notes last, so they start with them.
  for (const clip of track.noteClips) {
    if (clip.mute) continue;
    const start = clip.startTick;
    const end = clip.startTick + clip.lengthTicks;
    for (const note of clip.notes) {
      if (note.startTick >= clip.lengthTicks) continue;
      const on = start + note.startTick;
      const off = Math.min(end, on + note.lengthTicks);
      at(4, { tick: on, status: NOTE_ON | channel, data: [note.pitch, note.velocity] });
      at(1, { tick: off, status: NOTE_OFF | channel, data: [note.pitch, NOTE_OFF_VELOCITY] });
    }
    for (const change of clip.programChanges) {
      if (change.tick >= clip.lengthTicks) continue;
      const tick = start + change.tick;
      for (const event of programEvents(tick, channel, change.program, change.bank)) at(2, event);
    }
    for (const cc of clip.controllers) {
      if (cc.tick >= clip.lengthTicks) continue;
      at(3, {
        tick: start + cc.tick,
        status: CONTROLLER | channel,
        data: [cc.controller, cc.value],
      });
    }
    for (const bend of clip.pitchBends) {
      if (bend.tick >= clip.lengthTicks) continue;
      const value = bend.value + 0x2000;
      at(3, {
        tick: start + bend.tick,
        status: PITCH_BEND | channel,
        data: [value & 0x7f, value >> 7],
      });
    }
  }
  for (const syllable of track.lyrics) at(3, meta(syllable.tick, META_LYRIC, text(syllable.text)));
  return inTimeOrder(events);
}

/** Bank select (CC 0 and CC 32) when a bank is named, then the program change. */
function programEvents(
  tick: number,
  channel: number,
  program: number,
  bank: number | undefined,
): SmfOutEvent[] {
  const events: SmfOutEvent[] = [];
  if (bank !== undefined) {
    events.push({ tick, status: CONTROLLER | channel, data: [0, bank >> 7] });
    events.push({ tick, status: CONTROLLER | channel, data: [32, bank & 0x7f] });
  }
  events.push({ tick, status: PROGRAM_CHANGE | channel, data: [program] });
  return events;
}

function meta(tick: number, metaType: number, bytes: Uint8Array): SmfOutEvent {
  return { tick, metaType, bytes };
}

/** Text meta events carry UTF-8. */
function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function inTimeOrder(events: Timed[]): SmfOutEvent[] {
  const sorted = events
    .map((e, index) => ({ ...e, index }))
    .sort((a, b) => a.event.tick - b.event.tick || a.order - b.order || a.index - b.index);
  let previous = 0;
  for (const { event } of sorted) {
    if (event.tick - previous > MAX_DELTA) {
      throw new ControlRoomError(
        "E_MIDI_EXPORT_GAP",
        `nothing can be written ${event.tick - previous} ticks after the event before it; a MIDI delta time holds at most ${MAX_DELTA}`,
        "tracks",
      );
    }
    previous = event.tick;
  }
  return sorted.map((e) => e.event);
}
