/**
 * A worker thread that renders some source tracks of a mix into shared memory. The main
 * thread (engine/node/parallel-engine.ts) tells it which chunk to render into which of two
 * buffer sets, and mixes the other set meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Project } from "../../music/project.ts";
import { planMix } from "../mix/mix-plan.ts";
import { Mixer } from "../mix/mixer.ts";
import { openProjectSources } from "./file-sources.ts";
import { sharedTrackChunks } from "./shared-chunks.ts";

export interface TrackWorkerData {
  dir: string;
  project: Project;
  sampleRate: number;
  blockFrames: number;
  chunkFrames: number;
  renders: number[];
  memory: [SharedArrayBuffer, SharedArrayBuffer];
}

export interface TrackJob {
  set: 0 | 1;
  at: number;
  frames: number;
}

const data = workerData as TrackWorkerData;
const plan = planMix(data.project, data.sampleRate);
const needed = new Set(data.renders.flatMap((i) => plan.tracks[i].clips.map((c) => c.sourceId)));
const sources = openProjectSources(
  data.dir,
  plan.sources.filter((s) => needed.has(s.id)),
);
const sets = data.memory.map((memory) => sharedTrackChunks(plan, data.chunkFrames, memory));
const mixer = new Mixer(plan, sources.readers, {
  blockFrames: data.blockFrames,
  chunkFrames: data.chunkFrames,
  renders: data.renders,
  chunks: sets[0],
});

parentPort!.on("message", (job: TrackJob | "close") => {
  if (job === "close") {
    sources.close();
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
parentPort!.postMessage({ ready: true });
