import midiFile from "midi-file";
import { ControlRoomError } from "../../music/errors.ts";
import type { SmfLayout } from "./smf-layout.ts";

/**
 * The events of one `MTrk` chunk that an import uses, at absolute ticks of the file's own
 * resolution. `midi-file` (the reader under `@tonejs/midi`) decodes the bytes; everything it
 * returns is checked here, because it reads past the end of a truncated track as
 * `undefined` rather than failing.
 */
export type SmfEvent = { tick: number } & (
  | { kind: "noteOn"; channel: number; pitch: number; velocity: number }
  | { kind: "noteOff"; channel: number; pitch: number }
  | { kind: "controller"; channel: number; controller: number; value: number }
  | { kind: "program"; channel: number; program: number }
  | { kind: "pitchBend"; channel: number; value: number }
  | { kind: "tempo"; microsecondsPerQuarter: number }
  | { kind: "timeSignature"; numerator: number; denominator: number }
  | { kind: "trackName"; text: string }
  | { kind: "instrumentName"; text: string }
  | { kind: "lyric"; text: string }
  | { kind: "marker"; text: string }
);

/** SMF variable-length quantities are at most four bytes (28 bits). */
const MAX_DELTA = 0x0fff_ffff;
/** A track longer than this many ticks is a corrupt delta, not music (days at any tempo). */
const MAX_TRACK_TICKS = 2 ** 32;

export function readSmfTrack(layout: SmfLayout, index: number, fileName: string): SmfEvent[] {
  const body = layout.tracks[index];
  const where = `${fileName}: track ${index + 1}`;
  // midi-file reads whole files: give it a one-track file around this chunk, so that an
  // error can name the track it is in.
  const single = new Uint8Array(22 + body.length);
  single.set([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1]);
  single[12] = layout.ticksPerQuarter >> 8;
  single[13] = layout.ticksPerQuarter & 0xff;
  single.set([0x4d, 0x54, 0x72, 0x6b], 14);
  new DataView(single.buffer).setUint32(18, body.length);
  single.set(body, 22);

  let raw: midiFile.MidiEvent[];
  try {
    raw = midiFile.parseMidi(single).tracks[0] ?? [];
  } catch (error) {
    let reason = error instanceof Error ? error.message : String(error);
    // midi-file reports a data byte where an event must start, with no status before it to
    // run on, as event type 0 (or NaN when the track ends there): real types are 8 to 15.
    if (/event type: (0|NaN)$/.test(reason)) {
      reason =
        "a data byte stands where an event must start (running status with no status byte before it)";
    }
    throw new ControlRoomError("E_MIDI_EVENT", `${where} cannot be read: ${reason}`, fileName);
  }

  const events: SmfEvent[] = [];
  let tick = 0;
  for (let i = 0; i < raw.length; i++) {
    const event = raw[i] as midiFile.MidiEvent & Record<string, unknown>;
    const delta = event.deltaTime;
    if (!Number.isInteger(delta) || delta < 0 || delta > MAX_DELTA) {
      throw truncatedOrCorrupt(where, i, fileName, "its delta time is not a valid number");
    }
    tick += delta;
    if (tick > MAX_TRACK_TICKS) {
      throw new ControlRoomError(
        "E_MIDI_TOO_LONG",
        `${where} runs past tick ${MAX_TRACK_TICKS} at event ${i + 1}; the file's delta times are corrupt`,
        fileName,
      );
    }
    const dataByte = (name: string): number => {
      const value = event[name];
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 127) {
        throw truncatedOrCorrupt(where, i, fileName, `its ${name} is not a MIDI data byte`);
      }
      return value;
    };
    switch (event.type) {
      case "noteOn":
        events.push({
          tick,
          kind: "noteOn",
          channel: dataByte("channel") & 15,
          pitch: dataByte("noteNumber"),
          velocity: dataByte("velocity"),
        });
        break;
      case "noteOff":
        events.push({
          tick,
          kind: "noteOff",
          channel: dataByte("channel") & 15,
          pitch: dataByte("noteNumber"),
        });
        dataByte("velocity");
        break;
      case "controller":
        events.push({
          tick,
          kind: "controller",
          channel: dataByte("channel") & 15,
          controller: dataByte("controllerType"),
          value: dataByte("value"),
        });
        break;
      case "programChange":
        events.push({
          tick,
          kind: "program",
          channel: dataByte("channel") & 15,
          program: dataByte("programNumber"),
        });
        break;
      case "pitchBend": {
        const value = event.value;
        if (!Number.isInteger(value) || value < -8192 || value > 8191) {
          throw truncatedOrCorrupt(where, i, fileName, "its pitch bend is not a 14-bit value");
        }
        events.push({ tick, kind: "pitchBend", channel: dataByte("channel") & 15, value });
        break;
      }
      case "noteAftertouch":
        dataByte("noteNumber");
        dataByte("amount");
        break;
      case "channelAftertouch":
        dataByte("amount");
        break;
      case "setTempo": {
        const value = event.microsecondsPerBeat;
        if (!Number.isInteger(value) || value < 0) {
          throw truncatedOrCorrupt(where, i, fileName, "its tempo is not a number");
        }
        events.push({ tick, kind: "tempo", microsecondsPerQuarter: value });
        break;
      }
      case "timeSignature": {
        const numerator = event.numerator;
        const denominator = event.denominator;
        if (!Number.isInteger(numerator) || !Number.isInteger(denominator)) {
          throw truncatedOrCorrupt(where, i, fileName, "its time signature is not a number");
        }
        events.push({ tick, kind: "timeSignature", numerator, denominator });
        break;
      }
      case "trackName":
      case "instrumentName":
      case "lyrics":
      case "marker": {
        const text = decodeText(event.text);
        const kind = event.type === "lyrics" ? "lyric" : event.type;
        if (text !== "") events.push({ tick, kind, text });
        break;
      }
      default:
        break;
    }
  }
  return events;
}

function truncatedOrCorrupt(
  where: string,
  index: number,
  fileName: string,
  what: string,
): ControlRoomError {
  return new ControlRoomError(
    "E_MIDI_EVENT",
    `${where}, event ${index + 1}: ${what}; the track is truncated or corrupt`,
    fileName,
  );
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * midi-file reads text one byte to a character. Most files today write UTF-8 and older ones
 * Latin-1, so the bytes are read as UTF-8 when they are valid UTF-8 and as Latin-1 otherwise.
 */
export function decodeText(latin1: string): string {
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < latin1.length; i++) bytes[i] = latin1.charCodeAt(i) & 0xff;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
}
