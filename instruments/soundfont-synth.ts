import {
  type BasicPreset,
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
/** How long a released note is taken to keep its voices, for the voices allocated up front. */
const RELEASE_ALLOWANCE_SECONDS = 2;

/**
 * One instrument track's SoundFont synthesis (spessasynth_core): plays sorted, frame-placed
 * events into stereo float64 blocks. A note starts on exactly its frame, whatever the block
 * size. Effects (reverb, chorus) are off: the console's sends and buses do that job.
 *
 * Voice allocation and seeks happen outside the block path: prepare() allocates the voices
 * and caches the library's voice data for every note the events play, and prepareSeek()
 * readies a synth at a frame (playing silently from frame 0, so the result at any frame
 * never depends on where a render began) that seek() or render() then takes. render() only
 * renders. The library's own rendering (spessasynth_core's renderVoice) still boxes doubles
 * as it computes envelopes and LFOs, so the block path is not yet free of allocation.
 */
export class SoundFontSynth {
  private readonly soundFont: SoundFont;
  private readonly settings: InstrumentSettings;
  private readonly events: readonly InstrumentEvent[];
  private readonly channel: number;
  private sampleRate = 0;
  /** Voices allocated up front for every synth of this track (see plannedVoices). */
  private voicePool = FIRST_VOICE_CAP;
  /** The synth that render() plays. */
  private playhead: Playhead | null = null;
  /** A synth made ready by prepareSeek(), waiting for seek() or render() to take it. */
  private pending: Playhead | null = null;
  /** The last render wrote only silence the synth did not have to compute. */
  private lastSilent = false;

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

  /**
   * Makes the synth ready to play from frame 0: allocates its voices and the library's
   * per-key voice data for every note it will play, so render() starts no allocation of
   * its own. Not for the audio thread.
   */
  prepare(sampleRate: number): void {
    this.sampleRate = sampleRate;
    this.voicePool = plannedVoices(this.events, sampleRate);
    this.pending = null;
    this.playhead = this.startAt(0);
  }

  /**
   * Readies a synth at `frame`, off the audio thread: a fresh synth plays silently from
   * frame 0 up to there (so a note held across `frame` sounds exactly as in a whole render)
   * and waits. seek(frame), or a render() that starts on `frame`, then takes it without
   * allocating. Replaces a seek prepared before.
   */
  prepareSeek(frame: number): void {
    this.pending = this.startAt(Math.max(0, Math.floor(frame)));
  }

  /**
   * Moves the playhead to `frame` when prepareSeek(frame) readied it; allocates nothing and
   * never throws, so an audio thread may call it. Returns false (and changes nothing) when
   * no seek to `frame` was prepared.
   */
  seek(frame: number): boolean {
    const pending = this.pending;
    if (pending === null || frame < pending.pieceStart || frame > pending.pieceEnd) return false;
    this.playhead = pending;
    this.pending = null;
    return true;
  }

  /**
   * Writes (not adds) frames [absoluteFrame, absoluteFrame + frames) into left and right.
   * Contiguous blocks, or a block where a seek was prepared, allocate nothing of ours. Any
   * other jump (an offline render from --start) readies the seek here, which allocates and
   * renders from frame 0: an audio thread calls prepareSeek() elsewhere first.
   */
  render(left: Float64Array, right: Float64Array, absoluteFrame: number, frames: number): void {
    let p = this.playhead!;
    if (absoluteFrame < p.pieceStart || absoluteFrame > p.pieceEnd) {
      if (!this.seek(absoluteFrame)) {
        this.prepareSeek(absoluteFrame);
        this.seek(absoluteFrame);
      }
      p = this.playhead!;
    }
    let silent = true;
    let done = 0;
    while (done < frames) {
      const at = absoluteFrame + done;
      if (at >= p.pieceEnd) {
        this.renderPiece(p);
        continue;
      }
      const n = Math.min(frames - done, p.pieceEnd - at);
      if (p.pieceSilent) {
        left.fill(0, done, done + n);
        right.fill(0, done, done + n);
      } else {
        silent = false;
        const from = at - p.pieceStart;
        const pieceLeft = p.left;
        const pieceRight = p.right;
        for (let i = 0; i < n; i++) {
          left[done + i] = pieceLeft[from + i];
          right[done + i] = pieceRight[from + i];
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

  /**
   * A fresh synth with the track's bank and program, its voices allocated and every note's
   * voice data cached, played silently up to `frame`.
   */
  private startAt(frame: number): Playhead {
    const synth = new SpessaSynthProcessor(this.sampleRate, {
      maxBufferSize: SYNTH_QUANTUM,
      effectsEnabled: false,
      eventsEnabled: false,
    });
    synth.soundBankManager.addSoundBank(this.soundFont.bank, this.soundFont.name);
    // Allocate the whole pool now, then play with a small cap: the synth visits every slot
    // up to its cap on each piece, and raising the cap within the pool allocates nothing.
    synth.setSystemParameter("voiceCap", this.voicePool);
    synth.setSystemParameter("voiceCap", FIRST_VOICE_CAP);
    const p = new Playhead(synth);
    this.selectProgram(
      synth,
      this.settings.program,
      this.settings.drums ? null : this.settings.bank,
    );
    this.cacheVoices(synth);
    while (p.pieceEnd < frame) this.renderPiece(p);
    return p;
  }

  /**
   * Asks the library for the voice data of every note the events play (as its own
   * sequencer's preloadSynth does), so noteOn finds it cached instead of building it on
   * the audio thread. The channel's program is walked through the events and put back.
   */
  private cacheVoices(synth: SpessaSynthProcessor): void {
    const cache = synth as unknown as VoiceCache;
    if (typeof cache.getVoicesForPreset !== "function") return;
    const channel = synth.midiChannels[this.channel];
    const seen = new Set<number>();
    let changed = false;
    for (const event of this.events) {
      if (event.type === "program") {
        this.selectProgram(synth, event.program, event.bank);
        seen.clear();
        changed = true;
      } else if (event.type === "noteOn" && channel.preset) {
        const key = event.pitch * 128 + event.velocity;
        if (seen.has(key)) continue;
        seen.add(key);
        cache.getVoicesForPreset(channel.preset, event.pitch, event.velocity);
      }
    }
    if (changed) {
      this.selectProgram(
        synth,
        this.settings.program,
        this.settings.drums ? null : this.settings.bank,
      );
    }
  }

  /** Sends the events due at pieceEnd, then renders the next piece after it. */
  private renderPiece(p: Playhead): void {
    const synth = p.synth;
    const start = p.pieceEnd;
    const events = this.events;
    while (p.nextEvent < events.length && events[p.nextEvent].frame <= start) {
      this.send(p, events[p.nextEvent++]);
    }
    const eventFrame =
      p.nextEvent < events.length ? events[p.nextEvent].frame : Number.POSITIVE_INFINITY;
    p.pieceStart = start;
    if (!p.touched && synth.voiceCount === 0) {
      // Nothing sounds until the next event: skip straight to it without running the synth.
      p.pieceEnd = eventFrame;
      p.pieceSilent = true;
      return;
    }
    const gridEnd = (Math.floor(start / SYNTH_QUANTUM) + 1) * SYNTH_QUANTUM;
    const end = Math.min(gridEnd, eventFrame);
    const n = end - start;
    p.left.fill(0, 0, n);
    p.right.fill(0, 0, n);
    this.growVoiceCap(p, synth.voiceCount + p.startedNotes * VOICES_PER_NOTE);
    synth.process(p.left, p.right, 0, n);
    p.startedNotes = 0;
    this.growVoiceCap(p, synth.voiceCount);
    p.touched = false;
    p.pieceEnd = end;
    p.pieceSilent = false;
  }

  /**
   * Doubles the voice cap until `voices` is at most half of it. Within the pool prepare()
   * allocated this allocates nothing; past it the library allocates the new voices.
   */
  private growVoiceCap(p: Playhead, voices: number): void {
    let cap = p.voiceCap;
    while (voices * 2 > cap && cap < MAX_VOICE_CAP) cap *= 2;
    if (cap === p.voiceCap) return;
    p.voiceCap = cap;
    p.synth.setSystemParameter("voiceCap", cap);
  }

  private send(p: Playhead, event: InstrumentEvent): void {
    const synth = p.synth;
    const channel = this.channel;
    p.touched = true;
    switch (event.type) {
      case "noteOn":
        p.startedNotes++;
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
        this.selectProgram(synth, event.program, event.bank);
        return;
    }
  }

  private selectProgram(synth: SpessaSynthProcessor, program: number, bank: number | null): void {
    if (bank !== null) {
      synth.controllerChange(this.channel, MIDIControllers.bankSelect, bank >> 7);
      synth.controllerChange(this.channel, MIDIControllers.bankSelectLSB, bank & 127);
    }
    synth.programChange(this.channel, program);
  }
}

/** Where one synth is: the library's processor and the piece of output it last rendered. */
class Playhead {
  readonly synth: SpessaSynthProcessor;
  voiceCap = FIRST_VOICE_CAP;
  /** Notes started since the last piece: their voices are not in the synth's count yet. */
  startedNotes = 0;
  readonly left = new Float32Array(SYNTH_QUANTUM);
  readonly right = new Float32Array(SYNTH_QUANTUM);
  /** The piece of output held in left/right: frames [pieceStart, pieceEnd). */
  pieceStart = 0;
  pieceEnd = 0;
  /** The piece is silence (nothing sounding, nothing to start before pieceEnd). */
  pieceSilent = true;
  nextEvent = 0;
  /** Events were sent since the synth last rendered, so its voice count is stale. */
  touched = true;

  constructor(synth: SpessaSynthProcessor) {
    this.synth = synth;
  }
}

/** The library's voice cache, public on its processor though not in its type. */
interface VoiceCache {
  getVoicesForPreset(preset: BasicPreset, midiNote: number, velocity: number): unknown;
}

/**
 * How many voices to allocate up front: twice the most notes that sound at once, counting
 * each note from its start until RELEASE_ALLOWANCE_SECONDS after its end, at
 * VOICES_PER_NOTE voices a note, as a power of two between FIRST_VOICE_CAP and
 * MAX_VOICE_CAP. Longer tails than that may still make the library allocate mid-song.
 */
export function plannedVoices(events: readonly InstrumentEvent[], sampleRate: number): number {
  const tail = Math.round(RELEASE_ALLOWANCE_SECONDS * sampleRate);
  const edges: number[] = [];
  const open = new Map<number, number[]>();
  for (const event of events) {
    if (event.type === "noteOn") {
      const starts = open.get(event.pitch) ?? [];
      starts.push(event.frame);
      open.set(event.pitch, starts);
      edges.push(event.frame * 2 + 1);
    } else if (event.type === "noteOff") {
      if (open.get(event.pitch)?.shift() !== undefined) edges.push((event.frame + tail) * 2);
    }
  }
  // Notes never released sound to the end.
  edges.sort((a, b) => a - b);
  let sounding = 0;
  let most = 0;
  for (const edge of edges) {
    sounding += edge % 2 === 1 ? 1 : -1;
    if (sounding > most) most = sounding;
  }
  let cap = FIRST_VOICE_CAP;
  while (cap < 2 * most * VOICES_PER_NOTE && cap < MAX_VOICE_CAP) cap *= 2;
  return cap;
}
