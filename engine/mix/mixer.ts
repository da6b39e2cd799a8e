import type { SoundFont } from "../../instruments/soundfont.ts";
import { LimiterProcessor } from "../dsp/limiter.ts";
import { LoudnessMeterProcessor } from "../dsp/loudness/meter-processor.ts";
import { ChannelStripProcessor, type StripIO } from "../strip/channel-strip.ts";
import { ClipPlayer } from "./clip-player.ts";
import { InstrumentPlayer } from "./instrument-player.ts";
import type { MixPlan, PlannedTrack } from "./mix-plan.ts";
import type { SourceReader } from "./source.ts";

/** A stereo pair of buffers. */
export interface Stereo {
  left: Float64Array;
  right: Float64Array;
}

/**
 * What each track leaves behind for one chunk: its output, its sends, and (when a
 * compressor keys from it) its input. They may live in shared memory, so a track can be
 * rendered in a worker thread and mixed here.
 */
export interface TrackChunk {
  output: Stereo;
  sends: Stereo[];
  key: Stereo | null;
  /**
   * Per block of the chunk: how many frames from the block's start output, sends and key
   * are known to hold +0, so the fill can be skipped and the block left out of the sums.
   */
  quiet: Float64Array;
}

/** Blocks of `blockFrames` in a chunk: the length of TrackChunk.quiet. */
export function blocksPerChunk(chunkFrames: number, blockFrames: number): number {
  return Math.ceil(chunkFrames / blockFrames);
}

export function allocateTrackChunk(
  track: PlannedTrack,
  chunkFrames: number,
  blockFrames: number,
  allocate: (frames: number) => Float64Array = (n) => new Float64Array(n),
): TrackChunk {
  const pair = () => ({ left: allocate(chunkFrames), right: allocate(chunkFrames) });
  return {
    output: pair(),
    sends: track.strip.sends.map(pair),
    key: track.isKey ? pair() : null,
    quiet: allocate(blocksPerChunk(chunkFrames, blockFrames)),
  };
}

/** Buses, and tracks keyed from a bus (directly or through other keys), render in renderMix. */
export function tracksRenderedInMix(plan: MixPlan): boolean[] {
  const inMix: boolean[] = [];
  for (const track of plan.tracks) {
    inMix.push(track.kind === "bus" || (track.keyIndex >= 0 && inMix[track.keyIndex]));
  }
  return inMix;
}

export interface MixerOptions {
  /** Frames per processing block: what an audio callback would hand us. */
  blockFrames: number;
  /** Frames per chunk: the unit handed between threads and to file writers. */
  chunkFrames: number;
  /** Source tracks this instance will render (default: all); others need no sources here. */
  renders?: readonly number[];
  /** Chunk buffers to use instead of private ones, e.g. views on shared memory. */
  chunks?: TrackChunk[];
  /** Meter the master output: momentary, short-term and true peak, read at any block. */
  meterMaster?: boolean;
  /**
   * Parsed soundfonts by the name the document gives them (`default`, `soundfonts/x.sf2`):
   * every soundfont an instrument track this instance renders plays.
   */
  soundFonts?: ReadonlyMap<string, SoundFont>;
}

/** What feeds a track's strip: its audio clips, or its instrument's synth. */
interface TrackPlayer {
  render(left: Float64Array, right: Float64Array, absoluteFrame: number, frames: number): void;
}

/**
 * The console: plays each track's clips (or its instrument) through its channel strip, sums tracks into buses
 * and buses into the master, and runs the master strip and limiter. Work is split in two
 * so source tracks can run elsewhere: `renderTracks` for any subset of source tracks,
 * then `renderMix` for the buses, the tracks that depend on them, and the master.
 * Allocation happens in the constructor; rendering allocates nothing.
 */
export class Mixer {
  readonly plan: MixPlan;
  chunks: TrackChunk[];
  readonly master: Stereo;
  /** Tracks `renderMix` processes itself: buses, and tracks keyed from a bus. */
  readonly mixTracks: boolean[];
  private readonly options: MixerOptions;
  private readonly players: (TrackPlayer | null)[];
  /** Instrument players, by track, to ask whether a block was silence. */
  private readonly instruments: (InstrumentPlayer | null)[];
  /**
   * Strips without memory (no filter, no compressor, no polarity flip): silence in gives
   * exact silence out whatever their state, so a silent instrument skips its strip.
   */
  private readonly memoryless: boolean[];
  private readonly strips: ChannelStripProcessor[];
  private readonly busInputs: (Stereo | null)[];
  private readonly masterStrip: ChannelStripProcessor;
  private readonly limiter: LimiterProcessor | null;
  /** The master's loudness meter (BS.1770-5, EBU Tech 3341), after the limiter. */
  readonly masterMeter: LoudnessMeterProcessor | null;
  private readonly io: StripIO;
  private readonly key: Stereo;
  private readonly masterIn: Stereo;

  constructor(plan: MixPlan, sources: Map<string, SourceReader>, options: MixerOptions) {
    this.plan = plan;
    this.options = options;
    const { blockFrames, chunkFrames } = options;
    const block = () => ({
      left: new Float64Array(blockFrames),
      right: new Float64Array(blockFrames),
    });
    this.chunks =
      options.chunks ?? plan.tracks.map((t) => allocateTrackChunk(t, chunkFrames, blockFrames));
    this.master = { left: new Float64Array(chunkFrames), right: new Float64Array(chunkFrames) };
    this.mixTracks = tracksRenderedInMix(plan);
    const renders = new Set(options.renders ?? plan.tracks.map((_, i) => i));
    this.instruments = plan.tracks.map(() => null);
    this.players = plan.tracks.map((t, i) => {
      if (t.kind === "bus" || !(renders.has(i) || this.mixTracks[i])) return null;
      if (t.instrument && t.instrument.events.length > 0) {
        const player = new InstrumentPlayer(t, options.soundFonts ?? new Map(), plan.sampleRate);
        this.instruments[i] = player;
        return player;
      }
      // An instrument track with nothing to play is a silent ClipPlayer without clips.
      const player = new ClipPlayer(t.clips, sources, plan.sampleRate);
      player.prepare(blockFrames);
      return player;
    });
    this.memoryless = plan.tracks.map(
      ({ strip }) =>
        !strip.invertPolarity &&
        !strip.highPass.enabled &&
        !strip.lowPass.enabled &&
        strip.eq.every((band) => !band.enabled) &&
        !strip.compressor.enabled,
    );
    this.strips = plan.tracks.map((t) => {
      const strip = new ChannelStripProcessor(t.strip, t.automation);
      strip.prepare(plan.sampleRate, blockFrames);
      strip.setSoloMuted(t.soloMuted);
      return strip;
    });
    this.busInputs = plan.tracks.map((t) => (t.kind === "bus" ? block() : null));
    this.masterStrip = new ChannelStripProcessor(plan.master.strip, plan.master.automation);
    this.masterStrip.prepare(plan.sampleRate, blockFrames);
    this.limiter = plan.master.limiter.enabled ? new LimiterProcessor(plan.master.limiter) : null;
    this.limiter?.prepare(plan.sampleRate, blockFrames);
    this.masterMeter = options.meterMaster ? new LoudnessMeterProcessor() : null;
    this.masterMeter?.prepare(plan.sampleRate, 2, blockFrames);
    const maxSends = Math.max(0, ...plan.tracks.map((t) => t.strip.sends.length));
    const sends = Array.from({ length: maxSends }, block);
    this.key = block();
    this.io = {
      left: new Float64Array(blockFrames),
      right: new Float64Array(blockFrames),
      keyLeft: null,
      keyRight: null,
      sendLeft: sends.map((s) => s.left),
      sendRight: sends.map((s) => s.right),
    };
    this.masterIn = block();
  }

  /**
   * A live change of track i's strip (`faderDb`, `pan`, `mute`…), or the master's for i = −1,
   * ramped from the next block: how a playing engine follows the console. Allocates nothing.
   */
  setParameter(trackIndex: number, path: string, value: number): boolean {
    const strip = trackIndex < 0 ? this.masterStrip : this.strips[trackIndex];
    return strip === undefined ? false : strip.setParameter(path, value);
  }

  /** A solo changed elsewhere: track i is silenced (or heard again), ramped like a fader. */
  setSoloMuted(trackIndex: number, muted: boolean): void {
    this.strips[trackIndex]?.setSoloMuted(muted);
  }

  /** Frames the master output lags its input: the limiter's look-ahead. */
  get latencyFrames(): number {
    return this.limiter?.latencyFrames ?? 0;
  }

  /** Indices of the source tracks `renderTracks` may be given. */
  get sourceTracks(): number[] {
    return this.plan.tracks.flatMap((_, i) => (this.mixTracks[i] ? [] : [i]));
  }

  /**
   * Renders source tracks into their chunks for frames [absoluteFrame, absoluteFrame+frames).
   * A keyed track must be rendered in the same call as, and after, its key.
   */
  renderTracks(indices: readonly number[], absoluteFrame: number, frames: number): void {
    const { blockFrames } = this.options;
    for (let offset = 0; offset < frames; offset += blockFrames) {
      const n = Math.min(blockFrames, frames - offset);
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        this.players[i]!.render(this.io.left, this.io.right, absoluteFrame + offset, n);
        this.processTrack(i, absoluteFrame + offset, n, offset);
      }
    }
  }

  /**
   * Mixes one chunk: everything `renderMix` owns is processed here, the rest is read from
   * the chunks. The master output (delayed by latencyFrames) lands in `this.master`.
   */
  renderMix(absoluteFrame: number, frames: number): void {
    const { blockFrames } = this.options;
    const tracks = this.plan.tracks;
    for (let offset = 0; offset < frames; offset += blockFrames) {
      const n = Math.min(blockFrames, frames - offset);
      const at = absoluteFrame + offset;
      for (const input of this.busInputs) if (input) clear(input, n);
      clear(this.masterIn, n);
      for (let i = 0; i < tracks.length; i++) {
        if (this.mixTracks[i]) {
          const bus = this.busInputs[i];
          if (bus) {
            copy(bus.left, 0, this.io.left, 0, n);
            copy(bus.right, 0, this.io.right, 0, n);
          } else {
            this.players[i]!.render(this.io.left, this.io.right, at, n);
          }
          this.processTrack(i, at, n, offset);
        }
        this.distribute(i, offset, n);
      }
      copy(this.masterIn.left, 0, this.io.left, 0, n);
      copy(this.masterIn.right, 0, this.io.right, 0, n);
      this.io.keyLeft = null;
      this.io.keyRight = null;
      this.masterStrip.process(this.io, n, at);
      this.limiter?.process(this.io.left, this.io.right, n);
      this.masterMeter?.process(this.io.left, this.io.right, n);
      copy(this.io.left, 0, this.master.left, offset, n);
      copy(this.io.right, 0, this.master.right, offset, n);
    }
  }

  /** Runs track i's strip on io (which holds its input) and stores the results in its chunk. */
  private processTrack(i: number, at: number, n: number, offset: number): void {
    const track = this.plan.tracks[i];
    const chunk = this.chunks[i];
    const block = offset / this.options.blockFrames;
    if (this.memoryless[i] && this.instruments[i]?.silent) {
      // Exactly what the strip would write for silence (+0: every gain is positive).
      if (chunk.quiet[block] < n) {
        fill(chunk.output, offset, n);
        for (let s = 0; s < chunk.sends.length; s++) fill(chunk.sends[s], offset, n);
        if (chunk.key) fill(chunk.key, offset, n);
        chunk.quiet[block] = n;
      }
      return;
    }
    chunk.quiet[block] = 0;
    if (chunk.key) {
      copy(this.io.left, 0, chunk.key.left, offset, n);
      copy(this.io.right, 0, chunk.key.right, offset, n);
    }
    if (track.keyIndex >= 0) {
      const key = this.chunks[track.keyIndex].key!;
      copy(key.left, offset, this.key.left, 0, n);
      copy(key.right, offset, this.key.right, 0, n);
      this.io.keyLeft = this.key.left;
      this.io.keyRight = this.key.right;
    } else {
      this.io.keyLeft = null;
      this.io.keyRight = null;
    }
    this.strips[i].process(this.io, n, at);
    copy(this.io.left, 0, chunk.output.left, offset, n);
    copy(this.io.right, 0, chunk.output.right, offset, n);
    for (let s = 0; s < chunk.sends.length; s++) {
      copy(this.io.sendLeft[s], 0, chunk.sends[s].left, offset, n);
      copy(this.io.sendRight[s], 0, chunk.sends[s].right, offset, n);
    }
  }

  /**
   * Adds track i's output and sends into the buses and master they feed. A quiet block adds
   * nothing: v + (+0) is v for every sum that starts at +0 (such a sum is never −0).
   */
  private distribute(i: number, offset: number, n: number): void {
    const track = this.plan.tracks[i];
    const chunk = this.chunks[i];
    if (chunk.quiet[offset / this.options.blockFrames] >= n) return;
    const target = track.destination < 0 ? this.masterIn : this.busInputs[track.destination]!;
    add(chunk.output.left, offset, target.left, n);
    add(chunk.output.right, offset, target.right, n);
    for (let s = 0; s < chunk.sends.length; s++) {
      const bus = this.busInputs[track.sendDestinations[s]]!;
      add(chunk.sends[s].left, offset, bus.left, n);
      add(chunk.sends[s].right, offset, bus.right, n);
    }
  }
}

function fill(pair: Stereo, offset: number, n: number): void {
  pair.left.fill(0, offset, offset + n);
  pair.right.fill(0, offset, offset + n);
}

function clear(pair: Stereo, n: number): void {
  pair.left.fill(0, 0, n);
  pair.right.fill(0, 0, n);
}

function copy(
  from: Float64Array,
  fromOffset: number,
  to: Float64Array,
  toOffset: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) to[toOffset + i] = from[fromOffset + i];
}

function add(from: Float64Array, fromOffset: number, to: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) to[i] += from[fromOffset + i];
}
