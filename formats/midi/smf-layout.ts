import { ControlRoomError } from "../../music/errors.ts";

/**
 * The chunk layout of a Standard MIDI File (SMF 1.0, "MIDI 1.0 Detailed Specification",
 * Standard MIDI Files 1.0): an `MThd` header, then chunks of `id` + 32-bit length + body.
 * Checked here, before any event is decoded, so that a length that points past the file, an
 * absurd track count or a header that is not MIDI at all is reported with what is wrong
 * instead of being read as garbage.
 */
export interface SmfLayout {
  format: 0 | 1;
  /** Ticks per quarter note of the file (the header's division). */
  ticksPerQuarter: number;
  /** The bodies of the `MTrk` chunks the header promises, in file order. */
  tracks: Uint8Array[];
}

/** Larger than any song; it bounds the memory and time one import can take. */
export const MAX_MIDI_FILE_BYTES = 16 * 1024 * 1024;

const HEADER_BYTES = 14;

export function readSmfLayout(bytes: Uint8Array, fileName: string): SmfLayout {
  if (bytes.length > MAX_MIDI_FILE_BYTES) {
    throw new ControlRoomError(
      "E_MIDI_TOO_LARGE",
      `${fileName} is ${bytes.length} bytes; a MIDI file may be at most ${MAX_MIDI_FILE_BYTES} bytes`,
      fileName,
    );
  }
  if (bytes.length < 4 || chunkId(bytes, 0) !== "MThd") {
    throw new ControlRoomError(
      "E_MIDI_NOT_MIDI",
      `${fileName} is not a Standard MIDI File: it does not start with "MThd"`,
      fileName,
    );
  }
  if (bytes.length < HEADER_BYTES) {
    throw new ControlRoomError(
      "E_MIDI_TRUNCATED",
      `${fileName} ends at byte ${bytes.length}, inside its ${HEADER_BYTES}-byte header`,
      fileName,
    );
  }
  const headerLength = readUint32(bytes, 4);
  if (headerLength < 6 || 8 + headerLength > bytes.length) {
    throw new ControlRoomError(
      "E_MIDI_HEADER",
      `${fileName}: the MThd header says it is ${headerLength} bytes long; it must be at least 6 and fit in the file's ${bytes.length} bytes`,
      fileName,
    );
  }
  const format = readUint16(bytes, 8);
  const trackCount = readUint16(bytes, 10);
  const division = readUint16(bytes, 12);
  if (format === 2) {
    throw new ControlRoomError(
      "E_MIDI_FORMAT",
      `${fileName} is a format 2 MIDI file (independent patterns); only formats 0 and 1 can be imported`,
      fileName,
    );
  }
  if (format !== 0 && format !== 1) {
    throw new ControlRoomError(
      "E_MIDI_FORMAT",
      `${fileName} says it is MIDI format ${format}; only formats 0 and 1 exist to import`,
      fileName,
    );
  }
  if (division & 0x8000) {
    throw new ControlRoomError(
      "E_MIDI_DIVISION",
      `${fileName} counts time in SMPTE frames; only files timed in ticks per quarter note can be imported`,
      fileName,
    );
  }
  if (division === 0) {
    throw new ControlRoomError(
      "E_MIDI_DIVISION",
      `${fileName} says a quarter note is 0 ticks long; it must be at least 1`,
      fileName,
    );
  }
  if (trackCount === 0 || (format === 0 && trackCount !== 1)) {
    throw new ControlRoomError(
      "E_MIDI_TRACK_COUNT",
      `${fileName} is format ${format} with ${trackCount} tracks; format 0 has exactly one and format 1 at least one`,
      fileName,
    );
  }

  // Chunks other than MTrk are skipped, as the SMF specification asks of readers.
  const tracks: Uint8Array[] = [];
  let at = 8 + headerLength;
  while (tracks.length < trackCount && at < bytes.length) {
    if (at + 8 > bytes.length) {
      throw new ControlRoomError(
        "E_MIDI_TRUNCATED",
        `${fileName} ends at byte ${bytes.length}, inside the header of chunk ${tracks.length + 1} (at byte ${at})`,
        fileName,
      );
    }
    const id = chunkId(bytes, at);
    const length = readUint32(bytes, at + 4);
    const end = at + 8 + length;
    if (end > bytes.length) {
      throw new ControlRoomError(
        "E_MIDI_TRUNCATED",
        `${fileName} ends at byte ${bytes.length}; the chunk "${printable(id)}" at byte ${at} promises ${length} bytes, to byte ${end}`,
        fileName,
      );
    }
    if (id === "MTrk") tracks.push(bytes.subarray(at + 8, end));
    at = end;
  }
  if (tracks.length < trackCount) {
    throw new ControlRoomError(
      "E_MIDI_TRACK_COUNT",
      `${fileName}: the header promises ${trackCount} tracks, the file holds ${tracks.length}`,
      fileName,
    );
  }
  return { format, ticksPerQuarter: division, tracks };
}

function chunkId(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, "?");
}

function readUint16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) | bytes[at + 1];
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}
