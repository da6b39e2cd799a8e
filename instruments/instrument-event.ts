/**
 * What an instrument track plays, placed on frames of the render: MIDI channel voice
 * messages without the channel (a track is one channel). The engine's mix plan builds
 * these from note clips through the tempo map.
 */
export type InstrumentEvent =
  | { frame: number; type: "noteOff"; pitch: number }
  | { frame: number; type: "program"; program: number; bank: number | null }
  | { frame: number; type: "controller"; controller: number; value: number }
  /** −8192 (down) to 8191 (up), centre 0. */
  | { frame: number; type: "pitchBend"; value: number }
  | { frame: number; type: "noteOn"; pitch: number; velocity: number };

const RANK: Record<InstrumentEvent["type"], number> = {
  noteOff: 0,
  program: 1,
  controller: 2,
  pitchBend: 3,
  noteOn: 4,
};

/**
 * Orders events as a synth must see them: by frame, and on one frame notes end before
 * the program, controllers and bend change, and those before notes start, so a repeated
 * note retriggers and a new note already hears its program and controllers.
 */
export function sortInstrumentEvents(events: InstrumentEvent[]): InstrumentEvent[] {
  return events.sort((a, b) => a.frame - b.frame || RANK[a.type] - RANK[b.type]);
}
