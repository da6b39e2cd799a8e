import { Worker } from "node:worker_threads";
import type { SoundFont } from "../../instruments/soundfont.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import type { MixPlan } from "../mix/mix-plan.ts";
import { Mixer, type Stereo } from "../mix/mixer.ts";
import type { ChunkEngine } from "../render/render-mix.ts";
import type { OpenSources } from "./file-sources.ts";
import { sharedChunkBytes, sharedTrackChunks } from "./shared-chunks.ts";
import { trackGroups } from "./track-groups.ts";
import type { TrackJob, TrackWorkerData, TrackWorkerReady } from "./track-worker.ts";

interface Pending {
  at: number;
  done: Promise<void>;
}

/**
 * Renders source tracks in worker threads and mixes them here. Two sets of shared chunk
 * buffers alternate: while this thread mixes chunk k from one set, the workers render
 * chunk k+1 into the other. Every track is rendered by exactly one thread with the same
 * code, and the sums happen here in plan order, so the result is bit-identical to a
 * single-threaded render.
 */
export class ParallelEngine implements ChunkEngine {
  readonly chunkFrames: number;
  private readonly mixer: Mixer;
  private readonly workers: Worker[];
  private readonly sets: ReturnType<typeof sharedTrackChunks>[];
  private readonly waiters = new Map<Worker, (message: { ok: boolean; error?: string }) => void>();
  private pending: Pending | null = null;
  private nextSet: 0 | 1 = 0;

  private constructor(
    mixer: Mixer,
    workers: Worker[],
    sets: ReturnType<typeof sharedTrackChunks>[],
    chunkFrames: number,
  ) {
    this.mixer = mixer;
    this.workers = workers;
    this.sets = sets;
    this.chunkFrames = chunkFrames;
    for (const worker of workers) {
      worker.on("message", (message) => this.waiters.get(worker)?.(message));
    }
  }

  static async start(options: {
    dir: string;
    project: Project;
    plan: MixPlan;
    mixSources: OpenSources;
    /** Soundfonts of the instrument tracks mixed on this thread (those keyed from a bus). */
    mixSoundFonts: ReadonlyMap<string, SoundFont>;
    blockFrames: number;
    chunkFrames: number;
    threads: number;
  }): Promise<ParallelEngine> {
    const { plan, chunkFrames, blockFrames } = options;
    const bytes = sharedChunkBytes(plan, chunkFrames, blockFrames);
    const memory: [SharedArrayBuffer, SharedArrayBuffer] = [
      new SharedArrayBuffer(bytes),
      new SharedArrayBuffer(bytes),
    ];
    const sets = memory.map((m) => sharedTrackChunks(plan, chunkFrames, blockFrames, m));
    const mixer = new Mixer(plan, options.mixSources.readers, {
      blockFrames,
      chunkFrames,
      renders: [],
      chunks: sets[0],
      soundFonts: options.mixSoundFonts,
    });
    const groups = trackGroups(plan, mixer.sourceTracks, options.threads);
    const started = await Promise.allSettled(
      groups.map(
        (renders) =>
          new Promise<Worker>((resolve, reject) => {
            const workerData: TrackWorkerData = {
              dir: options.dir,
              project: options.project,
              sampleRate: plan.sampleRate,
              blockFrames,
              chunkFrames,
              renders,
              memory,
            };
            const worker = new Worker(new URL("./track-worker.ts", import.meta.url), {
              workerData,
            });
            worker.once("message", (message: TrackWorkerReady) => {
              if (message.ready) {
                resolve(worker);
                return;
              }
              const { code, message: text, subject } = message.error;
              reject(code === null ? new Error(text) : new ControlRoomError(code, text, subject));
            });
            worker.once("error", reject);
          }),
      ),
    );
    const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw failed.reason;
    }
    return new ParallelEngine(mixer, workers, sets, chunkFrames);
  }

  get latencyFrames(): number {
    return this.mixer.latencyFrames;
  }

  get master(): Stereo {
    return this.mixer.master;
  }

  trackOutput(index: number): Stereo {
    return this.mixer.chunks[index].output;
  }

  async render(at: number, frames: number, next?: { at: number; frames: number }): Promise<void> {
    if (!this.pending || this.pending.at !== at) this.pending = this.dispatch(at, frames);
    const set = this.nextSet === 0 ? 1 : 0; // the set the pending job writes
    await this.pending.done;
    this.pending = next ? this.dispatch(next.at, next.frames) : null;
    this.mixer.chunks = this.sets[set];
    this.mixer.renderMix(at, frames);
  }

  async close(): Promise<void> {
    await this.pending?.done.catch(() => {});
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once("exit", () => resolve());
            worker.postMessage("close");
          }),
      ),
    );
  }

  private dispatch(at: number, frames: number): Pending {
    const job: TrackJob = { set: this.nextSet, at, frames };
    this.nextSet = this.nextSet === 0 ? 1 : 0;
    const done = Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            this.waiters.set(worker, (message) =>
              message.ok ? resolve() : reject(new Error(message.error)),
            );
            worker.postMessage(job);
          }),
      ),
    ).then(() => {});
    return { at, done };
  }
}
