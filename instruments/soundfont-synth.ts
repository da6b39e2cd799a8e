import {
  DEFAULT_PERCUSSION,
  type MIDIController,
  MIDIControllers,
  SpessaSynthProcessor,
} from "spessasynth_core";
import type { InstrumentEvent } from "./instrument-event.ts";
import type { SoundFont } from "./soundfont.ts";

/** What a track plays its notes with; as `Instrument` in the document, without the file. */
export interface InstrumentSettings {
  /** 14-bit bank (MSB · 128 + LSB), sent as CC 0 and CC 32 before the program. */
  bank: number;
  /** The General MIDI program, or with `drums` the kit (0 is the standard kit). */
  program: number;
  /**
   * Plays on MIDI channel 10 (index 9), where the synth takes kits from the soundfont's drum
   * bank (128) whatever `bank` says.
   */
  drums: boolean;
}

/**
 * The synth renders in pieces of at most this many frames, cut on a grid of absolute
 * frames and at every event. spessasynth updates envelopes, LFOs and filters once per
 * `process` call, so the pieces must not depend on the caller's block size: this grid and
 * the events alone decide them, and the output is the same for any block size.
 */
export const SYNTH_QUANTUM = 128;

/**
 * The synth visits every voice slot up to its cap on each piece, so a track starts with a
 * small cap and doubles it whenever half of it is sounding (before voices must be stolen).
 */
const FIRST_VOICE_CAP = 32;
const MAX_VOICE_CAP = 1024;
/** Voices a note may start: stereo samples, often layered by velocity or in a kit. */
const VOICES_PER_NOTE = 4;

/**
 * One instrument track's SoundFont synthesis (spessasynth_core): plays sorted, frame-placed
 * events into stereo float64 blocks. A note starts on exactly its frame, whatever the block
 * size. Effects (reverb, chorus) are off: the console's sends and buses do that job.
 *
 * Prepared once; `render` allocates nothing of its own (the library may, the first time a
 * key and velocity is played). Rendering is sequential; asking for an earlier frame or
 * skipping ahead restarts the synth and plays silently from frame 0, so the result at any
 * frame never depends on where a render began.
 */
export class SoundFontSynth {
  private readonly soundFont: SoundFont;
  private readonly settings: InstrumentSettings;
  private readonly events: readonly InstrumentEvent[];
  private readonly channel: number;
  private sampleRate = 0;
  private synth: SpessaSynthProcessor | null = null;
  private voiceCap = FIRST_VOICE_CAP;
  /** Notes started since the last piece: their voices are not in the synth's count yet. */
  private startedNotes = 0;
  private readonly left = new Float32Array(SYNTH_QUANTUM);
  private readonly right = new Float32Array(SYNTH_QUANTUM);
  /** The piece of output held in left/right: frames [pieceStart, pieceEnd). */
  private pieceStart = 0;
  private pieceEnd = 0;
  /** The piece is silence (nothing sounding, nothing to start before pieceEnd). */
  private pieceSilent = true;
  private nextEvent = 0;
  /** The last render wrote only silence the synth did not have to compute. */
  private lastSilent = false;
  /** Events were sent since the synth last rendered, so its voice count is stale. */
  private touched = false;

  constructor(
    soundFont: SoundFont,
    settings: InstrumentSettings,
    events: readonly InstrumentEvent[],
  ) {
    this.soundFont = soundFont;
    this.settings = settings;
    this.events = events;
    this.channel = settings.drums ? DEFAULT_PERCUSSION : 0;
  }

  prepare(sampleRate: number): void {
    this.sampleRate = sampleRate;
    this.restart();
  }

  /** Writes (not adds) frames [absoluteFrame, absoluteFrame + frames) into left and right. */
  render(left: Float64Array, right: Float64Array, absoluteFrame: number, frames: number): void {
    if (absoluteFrame < this.pieceStart || absoluteFrame > this.pieceEnd) this.restart();
    let silent = true;
    let done = 0;
    while (done < frames) {
      const at = absoluteFrame + done;
      if (at >= this.pieceEnd) {
        this.renderPiece();
        continue;
      }
      const n = Math.min(frames - done, this.pieceEnd - at);
      if (this.pieceSilent) {
        left.fill(0, done, done + n);
        right.fill(0, done, done + n);
      } else {
        silent = false;
        const from = at - this.pieceStart;
        for (let i = 0; i < n; i++) {
          left[done + i] = this.left[from + i];
          right[done + i] = this.right[from + i];
        }
      }
      done += n;
    }
    this.lastSilent = silent;
  }

  /**
   * True when the last render was silence from a synth with nothing sounding: exact zeros
   * that a memoryless strip may pass without processing.
   */
  get silent(): boolean {
    return this.lastSilent;
  }

  /** A fresh synth at frame 0, with the track's bank and program. */
  private restart(): void {
    const synth = new SpessaSynthProcessor(this.sampleRate, {
      maxBufferSize: SYNTH_QUANTUM,
      effectsEnabled: false,
      eventsEnabled: false,
    });
    synth.soundBankManager.addSoundBank(this.soundFont.bank, this.soundFont.name);
    this.voiceCap = FIRST_VOICE_CAP;
    synth.setSystemParameter("voiceCap", this.voiceCap);
    this.synth = synth;
    this.selectProgram(this.settings.program, this.settings.drums ? null : this.settings.bank);
    this.pieceStart = 0;
    this.pieceEnd = 0;
    this.pieceSilent = true;
    this.nextEvent = 0;
    this.startedNotes = 0;
    this.touched = true;
  }

  /** Sends the events due at pieceEnd, then renders the next piece after it. */
  private renderPiece(): void {
    const synth = this.synth!;
    const start = this.pieceEnd;
    const events = this.events;
    while (this.nextEvent < events.length && events[this.nextEvent].frame <= start) {
      this.send(events[this.nextEvent++]);
    }
    const eventFrame =
      this.nextEvent < events.length ? events[this.nextEvent].frame : Number.POSITIVE_INFINITY;
    this.pieceStart = start;
    if (!this.touched && synth.voiceCount === 0) {
      // Nothing sounds until the next event: skip straight to it without running the synth.
      this.pieceEnd = eventFrame;
      this.pieceSilent = true;
      return;
    }
    const gridEnd = (Math.floor(start / SYNTH_QUANTUM) + 1) * SYNTH_QUANTUM;
    const end = Math.min(gridEnd, eventFrame);
    const n = end - start;
    this.left.fill(0, 0, n);
    this.right.fill(0, 0, n);
    this.growVoiceCap(synth.voiceCount + this.startedNotes * VOICES_PER_NOTE);
    synth.process(this.left, this.right, 0, n);
    this.startedNotes = 0;
    this.growVoiceCap(synth.voiceCount);
    this.touched = false;
    this.pieceEnd = end;
    this.pieceSilent = false;
  }

  /** Doubles the voice cap until `voices` is at most half of it. */
  private growVoiceCap(voices: number): void {
    let cap = this.voiceCap;
    while (voices * 2 > cap && cap < MAX_VOICE_CAP) cap *= 2;
    if (cap === this.voiceCap) return;
    this.voiceCap = cap;
    this.synth!.setSystemParameter("voiceCap", cap);
  }

  private send(event: InstrumentEvent): void {
    const synth = this.synth!;
    const channel = this.channel;
    this.touched = true;
    switch (event.type) {
      case "noteOn":
        this.startedNotes++;
        synth.noteOn(channel, event.pitch, event.velocity);
        return;
      case "noteOff":
        synth.noteOff(channel, event.pitch);
        return;
      case "controller":
        // Any CC number is valid MIDI; the library's type lists only the ones it names.
        synth.controllerChange(channel, event.controller as MIDIController, event.value);
        return;
      case "pitchBend":
        synth.pitchWheel(channel, event.value + 8192);
        return;
      case "program":
        this.selectProgram(event.program, event.bank);
        return;
    }
  }

  private selectProgram(program: number, bank: number | null): void {
    const synth = this.synth!;
    if (bank !== null) {
      synth.controllerChange(this.channel, MIDIControllers.bankSelect, bank >> 7);
      synth.controllerChange(this.channel, MIDIControllers.bankSelectLSB, bank & 127);
    }
    synth.programChange(this.channel, program);
  }
}
