/**
 * A worker thread that renders some source tracks of a mix into shared memory. The main
 * thread (engine/node/parallel-engine.ts) tells it which chunk to render into which of two
 * buffer sets, and mixes the other set meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { planMix, soundFontsOf } from "../mix/mix-plan.ts";
import { Mixer } from "../mix/mixer.ts";
import { openProjectSources } from "./file-sources.ts";
import { sharedTrackChunks } from "./shared-chunks.ts";
import { loadProjectSoundFonts } from "./soundfonts.ts";

export interface TrackWorkerData {
  dir: string;
  project: Project;
  sampleRate: number;
  blockFrames: number;
  chunkFrames: number;
  renders: number[];
  memory: [SharedArrayBuffer, SharedArrayBuffer];
}

/** The worker's first message: ready, or why it could not start (a ControlRoomError's fields). */
export type TrackWorkerReady =
  | { ready: true }
  | { ready: false; error: { code: string | null; message: string; subject?: string } };

export interface TrackJob {
  set: 0 | 1;
  at: number;
  frames: number;
}

const data = workerData as TrackWorkerData;
const plan = planMix(data.project, data.sampleRate);
const needed = new Set(data.renders.flatMap((i) => plan.tracks[i].clips.map((c) => c.sourceId)));
const sets = data.memory.map((memory) =>
  sharedTrackChunks(plan, data.chunkFrames, data.blockFrames, memory),
);

/** Opens what this worker's tracks play; a failure is reported as the ready message. */
async function start(): Promise<{ mixer: Mixer; close(): void } | null> {
  try {
    // Each worker parses the soundfonts its own tracks play (SF3 samples decode lazily, so
    // it holds only the samples those tracks use).
    const soundFonts = await loadProjectSoundFonts(
      data.dir,
      soundFontsOf(data.renders.map((i) => plan.tracks[i])),
    );
    const sources = openProjectSources(
      data.dir,
      plan.sources.filter((s) => needed.has(s.id)),
    );
    const mixer = new Mixer(plan, sources.readers, {
      blockFrames: data.blockFrames,
      chunkFrames: data.chunkFrames,
      renders: data.renders,
      chunks: sets[0],
      soundFonts,
    });
    return { mixer, close: sources.close };
  } catch (error) {
    const failed: TrackWorkerReady = {
      ready: false,
      error: isControlRoomError(error)
        ? { code: error.code, message: error.message, subject: error.subject }
        : { code: null, message: String((error as Error).stack ?? error) },
    };
    parentPort!.postMessage(failed);
    parentPort!.close();
    return null;
  }
}

const started = await start();
if (started) {
  const { mixer } = started;
  parentPort!.on("message", (job: TrackJob | "close") => {
    if (job === "close") {
      started.close();
      parentPort!.close();
      return;
    }
    try {
      mixer.chunks = sets[job.set];
      mixer.renderTracks(data.renders, job.at, job.frames);
      parentPort!.postMessage({ ok: true });
    } catch (error) {
      parentPort!.postMessage({ ok: false, error: String((error as Error).stack ?? error) });
    }
  });
  parentPort!.postMessage({ ready: true } satisfies TrackWorkerReady);
}
