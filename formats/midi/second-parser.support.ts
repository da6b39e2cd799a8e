import MidiPlayer from "midi-player-js";

/**
 * For tests only: what `midi-player-js`, a MIDI reader written apart from `midi-file` (which
 * our import uses), finds in a file. Its ticks are the file's own; channels are 0-based here.
 */
export interface SecondReading {
  format: number;
  division: number;
  trackCount: number;
  /** Per MIDI track, per channel (0–15) that plays notes, in track then channel order. */
  parts: SecondPart[];
  tempos: { tick: number; bpm: number }[];
  timeSignatures: { tick: number; numerator: number; denominator: number }[];
  lyrics: { tick: number; text: string }[];
  markers: { tick: number; text: string }[];
}

export interface SecondPart {
  track: number;
  channel: number;
  /** Note-on events with a velocity, as [pitch, tick]. */
  onsets: [number, number][];
  /** Controllers other than bank select (CC 0 and 32). */
  controllers: { tick: number; number: number; value: number }[];
  pitchBends: number;
  programs: number[];
}

type PlayerEvent = {
  name: string;
  tick: number;
  channel?: number;
  noteNumber?: number;
  velocity?: number;
  number?: number;
  value?: number;
  data?: number | Uint8Array;
  string?: string;
};

export function readWithSecondParser(bytes: Uint8Array): SecondReading {
  const player = new MidiPlayer.Player();
  player.loadArrayBuffer(bytes.slice().buffer);
  const tracks = player.getEvents() as unknown as PlayerEvent[][];
  const reading: SecondReading = {
    format: player.format,
    division: player.division,
    trackCount: tracks.length,
    parts: [],
    tempos: [],
    timeSignatures: [],
    lyrics: [],
    markers: [],
  };
  tracks.forEach((events, track) => {
    const parts = new Map<number, SecondPart>();
    const part = (channel: number) => {
      const existing = parts.get(channel);
      if (existing) return existing;
      const created: SecondPart = {
        track,
        channel,
        onsets: [],
        controllers: [],
        pitchBends: 0,
        programs: [],
      };
      parts.set(channel, created);
      return created;
    };
    for (const e of events) {
      const channel = (e.channel ?? 1) - 1;
      if (e.name === "Note on" && (e.velocity ?? 0) > 0) {
        part(channel).onsets.push([e.noteNumber as number, e.tick]);
      } else if (e.name === "Controller Change" && e.number !== 0 && e.number !== 32) {
        part(channel).controllers.push({
          tick: e.tick,
          number: e.number as number,
          value: e.value as number,
        });
      } else if (e.name === "Pitch Bend") {
        part(channel).pitchBends++;
      } else if (e.name === "Program Change") {
        part(channel).programs.push(e.value as number);
      } else if (e.name === "Set Tempo") {
        reading.tempos.push({ tick: e.tick, bpm: e.data as number });
      } else if (e.name === "Time Signature") {
        const data = e.data as Uint8Array;
        reading.timeSignatures.push({
          tick: e.tick,
          numerator: data[0],
          denominator: 2 ** data[1],
        });
      } else if (e.name === "Lyric") {
        reading.lyrics.push({ tick: e.tick, text: e.string ?? "" });
      } else if (e.name === "Marker") {
        reading.markers.push({ tick: e.tick, text: e.string ?? "" });
      }
    }
    const withNotes = [...parts.values()].filter((p) => p.onsets.length > 0);
    reading.parts.push(...withNotes.sort((a, b) => a.channel - b.channel));
  });
  return reading;
}
