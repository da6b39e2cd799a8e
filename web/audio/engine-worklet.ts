/**
 * The engine on the audio thread: the Mixer the offline render runs (ClipPlayer, the
 * channel strips, buses, the master strip and limiter), fed 128-frame blocks by the
 * AudioWorklet. The page sends a plan and its sources (in shared memory) over the port;
 * parameter and transport changes arrive through the lock-free queue; the transport and
 * the meters go back through shared memory. Imports the engine and nothing of the page.
 */
import type { MixPlan } from "../../engine/mix/mix-plan.ts";
import { Mixer } from "../../engine/mix/mixer.ts";
import { MemorySource, type SourceReader } from "../../engine/mix/source.ts";
import {
  CODE_SOLO_MUTED,
  type EngineMemory,
  METER_FIRST_TRACK,
  METER_MASTER_LEFT,
  METER_MASTER_RIGHT,
  type SharedSource,
  STRIP_PARAMETERS,
  TARGET_TRANSPORT,
  TRANSPORT_FRAME,
  TRANSPORT_INTS,
  TRANSPORT_LOCATE,
  TRANSPORT_OVERLOADS,
  TRANSPORT_PLAY,
  TRANSPORT_PLAYING,
  TRANSPORT_READY,
  TRANSPORT_STOP,
} from "./engine-memory.ts";
import { type ParamMessage, ParamQueue } from "./param-queue.ts";

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  processor: new (options: { processorOptions: EngineMemory }) => AudioWorkletProcessor,
): void;

/**
 * The clock that times blocks: AudioWorkletGlobalScope has no `performance` in every
 * browser, and Date's milliseconds still catch a block that ran far over.
 */
const clock: { now(): number } = globalThis.performance ?? Date;

/** The one block size an AudioWorklet renders (Web Audio 1.0 §1.32: the render quantum). */
const BLOCK = 128;

/** What the page posts to the processor. */
export interface LoadPlan {
  type: "plan";
  plan: MixPlan;
  sources: SharedSource[];
}

class EngineProcessor extends AudioWorkletProcessor {
  private readonly queue: ParamQueue;
  private readonly transport: Int32Array;
  private readonly meters: Float32Array;
  private readonly message: ParamMessage = { target: 0, code: 0, value: 0 };
  private mixer: Mixer | null = null;
  private sourceTracks: number[] = [];
  private frame = 0;
  private playing = false;
  /** Meters fall by 20 dB a second: the factor per block. */
  private readonly meterFall = 10 ** (-BLOCK / sampleRate);
  private readonly budgetMs = (BLOCK / sampleRate) * 1000;

  constructor(options: { processorOptions: EngineMemory }) {
    super();
    const memory = options.processorOptions;
    this.queue = new ParamQueue(memory.queue);
    this.transport = new Int32Array(memory.transport, 0, TRANSPORT_INTS);
    this.meters = new Float32Array(memory.meters);
    this.port.onmessage = (event: MessageEvent<LoadPlan>) => {
      try {
        this.load(event.data);
      } catch (error) {
        this.port.postMessage({ type: "error", message: String((error as Error).message) });
      }
    };
  }

  /** Off the block path: building a Mixer allocates. */
  private load({ plan, sources }: LoadPlan): void {
    const readers = new Map<string, SourceReader>();
    for (const source of sources) {
      readers.set(source.id, new MemorySource(source.sampleRate, source.channels));
    }
    const mixer = new Mixer(plan, readers, { blockFrames: BLOCK, chunkFrames: BLOCK });
    this.sourceTracks = mixer.sourceTracks;
    this.mixer = mixer;
    Atomics.store(this.transport, TRANSPORT_READY, 1);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const started = clock.now();
    this.drainQueue();
    const out = outputs[0];
    const left = out[0];
    const right = out[1] ?? out[0];
    const mixer = this.mixer;
    if (!mixer || !this.playing) {
      left.fill(0);
      if (right !== left) right.fill(0);
      this.fallMeters();
      return true;
    }
    const frames = left.length;
    mixer.renderTracks(this.sourceTracks, this.frame, frames);
    mixer.renderMix(this.frame, frames);
    const master = mixer.master;
    let peakLeft = 0;
    let peakRight = 0;
    for (let i = 0; i < frames; i++) {
      const l = master.left[i];
      const r = master.right[i];
      left[i] = l;
      if (right !== left) right[i] = r;
      const al = l < 0 ? -l : l;
      const ar = r < 0 ? -r : r;
      if (al > peakLeft) peakLeft = al;
      if (ar > peakRight) peakRight = ar;
    }
    this.meter(METER_MASTER_LEFT, peakLeft);
    this.meter(METER_MASTER_RIGHT, peakRight);
    const chunks = mixer.chunks;
    for (let t = 0; t < chunks.length; t++) {
      const output = chunks[t].output;
      let peak = 0;
      for (let i = 0; i < frames; i++) {
        const l = output.left[i];
        const r = output.right[i];
        const a = l < 0 ? -l : l;
        const b = r < 0 ? -r : r;
        if (a > peak) peak = a;
        if (b > peak) peak = b;
      }
      this.meter(METER_FIRST_TRACK + t, peak);
    }
    this.frame += frames;
    Atomics.store(
      this.transport,
      TRANSPORT_FRAME,
      Math.max(0, this.frame - mixer.latencyFrames - frames),
    );
    if (clock.now() - started > this.budgetMs) {
      Atomics.add(this.transport, TRANSPORT_OVERLOADS, 1);
    }
    return true;
  }

  private drainQueue(): void {
    const message = this.message;
    while (this.queue.pop(message)) {
      if (message.target === TARGET_TRANSPORT) {
        if (message.code === TRANSPORT_PLAY) this.playing = true;
        else if (message.code === TRANSPORT_STOP) this.playing = false;
        else if (message.code === TRANSPORT_LOCATE) {
          this.frame = Math.max(0, Math.round(message.value));
          Atomics.store(this.transport, TRANSPORT_FRAME, this.frame);
        }
        Atomics.store(this.transport, TRANSPORT_PLAYING, this.playing ? 1 : 0);
        continue;
      }
      const mixer = this.mixer;
      if (!mixer) continue;
      if (message.code === CODE_SOLO_MUTED) {
        mixer.setSoloMuted(message.target, message.value !== 0);
      } else {
        const path = STRIP_PARAMETERS[message.code];
        if (path !== undefined) mixer.setParameter(message.target, path, message.value);
      }
    }
  }

  /** A peak meter: jumps up to a new peak, falls at 20 dB/s. */
  private meter(index: number, peak: number): void {
    const fallen = this.meters[index] * this.meterFall;
    this.meters[index] = peak > fallen ? peak : fallen;
  }

  private fallMeters(): void {
    for (let i = 0; i < this.meters.length; i++) this.meters[i] *= this.meterFall;
  }
}

registerProcessor("controlroom-engine", EngineProcessor);
