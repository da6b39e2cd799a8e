import type { SoundFont } from "../../instruments/soundfont.ts";
import { SoundFontSynth } from "../../instruments/soundfont-synth.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { PlannedTrack } from "./mix-plan.ts";

/**
 * Plays an instrument track where an audio track has its ClipPlayer: the track's note
 * events through its own SoundFont synth, into the same channel strip. The soundfonts come
 * from outside, parsed once per thread and shared by every track that plays them
 * (engine/node loads them from the project folder, a browser from wherever it likes).
 */
export class InstrumentPlayer {
  private readonly synth: SoundFontSynth;

  constructor(track: PlannedTrack, soundFonts: ReadonlyMap<string, SoundFont>, sampleRate: number) {
    const instrument = track.instrument!;
    const soundFont = soundFonts.get(instrument.soundfont);
    if (!soundFont) {
      throw new ControlRoomError(
        "E_SOUNDFONT_NOT_LOADED",
        `track "${track.name}" plays ${instrument.soundfont}, which was not loaded`,
        instrument.soundfont,
      );
    }
    this.synth = new SoundFontSynth(soundFont, instrument.settings, instrument.events);
    this.synth.prepare(sampleRate);
  }

  /** Writes (not adds) frames [absoluteFrame, absoluteFrame + frames) into left and right. */
  render(left: Float64Array, right: Float64Array, absoluteFrame: number, frames: number): void {
    this.synth.render(left, right, absoluteFrame, frames);
  }

  /** The last render was exact silence with nothing sounding (SoundFontSynth.silent). */
  get silent(): boolean {
    return this.synth.silent;
  }
}
