import { ControlRoomError } from "../music/errors.ts";

/** What `controlroom` exits with, so scripts can tell a typo from a broken file. */
export const EXIT = {
  ok: 0,
  /** A bug on our side: please report it. */
  internal: 1,
  /** The command line or its environment was wrong: unknown flag, missing argument or variable. */
  usage: 2,
  /** project.json is unreadable, invalid, or refers to things that do not exist. */
  project: 3,
  /**
   * An input file (audio, MIDI, DAWproject, soundfont) is missing, corrupt, truncated,
   * unsafe or in a form we do not read.
   */
  audio: 4,
  /** The output could not be written. */
  output: 5,
} as const;

const BY_PREFIX: [string, number][] = [
  ["E_USAGE", EXIT.usage],
  // A console setting that names no track, no setting, or a value it cannot take (set).
  ["E_SETTING", EXIT.usage],
  ["E_STORE_CONFIG", EXIT.usage],
  ["E_STORE_CONNECT", EXIT.usage],
  ["E_STORE_LOCKED", EXIT.usage],
  ["E_STORE_OPEN", EXIT.usage],
  // Refusals of what a member asked the store for (the server's routes raise them today).
  ["E_STORE_LAST_PRODUCER", EXIT.usage],
  ["E_STORE_MEMBER", EXIT.usage],
  ["E_STORE_INVITATION", EXIT.usage],
  ["E_STORE_AUDIT_LIMIT", EXIT.usage],
  // The account named does not exist (controlroom account reset).
  ["E_ACCOUNT_MISSING", EXIT.usage],
  ["E_STORE_EMAIL", EXIT.usage],
  // The studio could not be reached, or refused what push or pull asked of it.
  ["E_STUDIO", EXIT.usage],
  ["E_UPLOAD_NOT_AUDIO", EXIT.audio],
  ["E_PROJECT", EXIT.project],
  ["E_TEMPO", EXIT.project],
  ["E_METER", EXIT.project],
  ["E_OPERATION", EXIT.project],
  ["E_CLIP", EXIT.project],
  ["E_WAV", EXIT.audio],
  ["E_AIFF", EXIT.audio],
  ["E_AUDIO", EXIT.audio],
  ["E_SOURCE", EXIT.audio],
  ["E_FILE_WRITE", EXIT.output],
  ["E_FILE", EXIT.audio],
  ["E_PCM", EXIT.audio],
  ["E_EXPORT", EXIT.usage],
  ["E_WRITER", EXIT.output],
  ["E_OUTPUT", EXIT.output],
  ["E_MP3", EXIT.output],
  ["E_FLAC", EXIT.output],
  ["E_AUTOMATION", EXIT.project],
  ["E_LOUDNESS", EXIT.audio],
  ["E_TRUE_PEAK", EXIT.audio],
  ["E_RESAMPLER", EXIT.audio],
  ["E_PLOT_FORMAT", EXIT.usage],
  ["E_PLOT", EXIT.output],
  ["E_MIDI_EXPORT", EXIT.output],
  ["E_MIDI", EXIT.audio],
  ["E_DAWPROJECT", EXIT.audio],
  ["E_ZIP", EXIT.audio],
  ["E_XML", EXIT.audio],
  ["E_SOUNDFONT", EXIT.audio],
  // A room's description (--dims, room.json, --target) or a sweep's settings that cannot be.
  ["E_ROOM", EXIT.usage],
  ["E_SWEEP", EXIT.usage],
  // A recording of the sweep that cannot be measured: silent, clipped, too short, no sweep in it.
  ["E_IR", EXIT.audio],
  // The production office's refusals: a booking, a budget line or an amount that cannot be.
  ["E_BOOKING", EXIT.usage],
  ["E_BUDGET", EXIT.usage],
  ["E_MONEY", EXIT.usage],
];

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof ControlRoomError)) return EXIT.internal;
  for (const [prefix, code] of BY_PREFIX) if (error.code.startsWith(prefix)) return code;
  return EXIT.internal;
}
