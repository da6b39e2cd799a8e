import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { LevelMeter, type Levels } from "../../analysis/levels.ts";
import { LoudnessMeter, type LoudnessReport } from "../../analysis/loudness/loudness-meter.ts";
import type { AudioFileWriter } from "../../formats/audio-file-writer.ts";
import {
  type OutputBitDepth,
  type OutputFormat,
  openAudioFileWriter,
} from "../../formats/node/open-writer.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { type MixPlan, planMix, soundFontsOf } from "../mix/mix-plan.ts";
import { Mixer, tracksRenderedInMix } from "../mix/mixer.ts";
import {
  type ChunkEngine,
  type FrameSink,
  localEngine,
  renderMix,
  type Stem,
} from "../render/render-mix.ts";
import { openProjectSources } from "./file-sources.ts";
import { ParallelEngine } from "./parallel-engine.ts";
import { checkProjectSoundFonts, loadProjectSoundFonts } from "./soundfonts.ts";

export interface RenderOptions {
  /** The mix file; null renders only to the meters (a mastering pass uses this). */
  output: string | null;
  format: OutputFormat;
  bitDepth: OutputBitDepth;
  /** Defaults to the project's rate. */
  sampleRate?: number;
  /** Write one file per track that feeds the master (tracks and buses) into this folder. */
  stemsDir?: string;
  startSeconds?: number;
  endSeconds?: number;
  /** Engine block size; the result is the same for any size. */
  blockFrames?: number;
  /** Worker threads for the tracks; 0 renders everything on this thread. By default up to 4, or 0 for a render under 10 s. */
  threads?: number;
  onProgress?: (doneFrames: number, totalFrames: number) => void;
  /** Also measure the mix's loudness (BS.1770) while rendering it. */
  measureLoudness?: boolean;
}

export interface RenderReport {
  output: string | null;
  format: OutputFormat;
  bitDepth: OutputBitDepth;
  sampleRate: number;
  channels: 2;
  frames: number;
  seconds: number;
  startSeconds: number;
  levels: Levels;
  loudness: LoudnessReport | null;
  stems: string[];
  threads: number;
  renderSeconds: number;
  realtimeFactor: number;
}

const CHUNK_FRAMES = 16_384;
/**
 * Worker threads take about half a second to start (each parses its soundfonts), which a
 * short render never wins back: by default it runs on this thread. The samples are the same
 * either way.
 */
const SHORT_RENDER_SECONDS = 10;

/**
 * Renders a project folder to a mix file (and stems). Files are written to temporary names
 * and renamed into place only when the whole render succeeded, so a failed render leaves
 * the output paths exactly as they were.
 */
export async function renderProject(
  dir: string,
  project: Project,
  options: RenderOptions,
): Promise<RenderReport> {
  const sampleRate = options.sampleRate ?? project.song.sampleRate;
  const plan = planMix(project, sampleRate);
  const startFrame = Math.round((options.startSeconds ?? 0) * sampleRate);
  const endFrame =
    options.endSeconds === undefined ? plan.endFrame : Math.round(options.endSeconds * sampleRate);
  if (endFrame <= startFrame) {
    throw new ControlRoomError(
      "E_USAGE",
      `the render range is empty: it starts at ${(startFrame / sampleRate).toFixed(3)} s and ends at ${(endFrame / sampleRate).toFixed(3)} s`,
      "--end",
    );
  }
  const blockFrames = options.blockFrames ?? 512;
  const threads = Math.max(
    0,
    options.threads ??
      (endFrame - startFrame < SHORT_RENDER_SECONDS * sampleRate
        ? 0
        : Math.min(availableParallelism(), 4)),
  );
  const began = performance.now();

  const writers: AudioFileWriter[] = [];
  const open = async (file: string) => {
    const writer = await openAudioFileWriter(file, {
      format: options.format,
      bitDepth: options.bitDepth,
      sampleRate,
      channels: 2,
    });
    writers.push(writer);
    return writer;
  };
  let engine: (ChunkEngine & { close?(): Promise<void> }) | null = null;
  let sources: ReturnType<typeof openProjectSources> | null = null;
  try {
    const mixWriter = options.output === null ? null : await open(options.output);
    const meter = new LevelMeter(2);
    const loudness = options.measureLoudness
      ? new LoudnessMeter({ sampleRate, channels: 2 })
      : null;
    const mix: FrameSink = {
      write(channels, offset, frames) {
        meter.add(channels, offset, frames);
        loudness?.add(channels, offset, frames);
        return mixWriter?.write(channels, offset, frames);
      },
    };
    const stems: Stem[] = [];
    const stemFiles: string[] = [];
    if (options.stemsDir) {
      await mkdir(options.stemsDir, { recursive: true });
      for (const [trackIndex, track] of plan.tracks.entries()) {
        if (track.destination !== -1) continue;
        const file = path.join(
          options.stemsDir,
          `${stemName(track.name, trackIndex)}.${options.format}`,
        );
        stems.push({ trackIndex, sink: await open(file) });
        stemFiles.push(file);
      }
    }

    ({ engine, sources } = await startEngine(dir, project, plan, blockFrames, threads));
    await renderMix(engine, { startFrame, endFrame }, mix, stems, options.onProgress);
    for (const writer of writers) await writer.commit();
    const renderSeconds = (performance.now() - began) / 1000;
    const frames = endFrame - startFrame;
    return {
      output: options.output,
      format: options.format,
      bitDepth: options.bitDepth,
      sampleRate,
      channels: 2,
      frames,
      seconds: frames / sampleRate,
      startSeconds: startFrame / sampleRate,
      levels: meter.levels(),
      loudness: loudness?.report() ?? null,
      stems: stemFiles,
      threads: engine instanceof ParallelEngine ? threads : 0,
      renderSeconds,
      realtimeFactor: frames / sampleRate / renderSeconds,
    };
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort().catch(() => {})));
    throw error;
  } finally {
    await engine?.close?.();
    sources?.close();
  }
}

async function startEngine(
  dir: string,
  project: Project,
  plan: MixPlan,
  blockFrames: number,
  threads: number,
) {
  const chunkFrames = CHUNK_FRAMES;
  // Check every source up front, on this thread, so a missing file fails before any work.
  openProjectSources(dir, plan.sources).close();
  checkProjectSoundFonts(dir, plan.soundFonts);
  if (threads === 0) {
    const soundFonts = await loadProjectSoundFonts(dir, plan.soundFonts);
    const sources = openProjectSources(dir, plan.sources);
    const mixer = new Mixer(plan, sources.readers, { blockFrames, chunkFrames, soundFonts });
    return { engine: localEngine(mixer, chunkFrames), sources };
  }
  const inMix = tracksRenderedInMix(plan);
  const mixSoundFonts = await loadProjectSoundFonts(
    dir,
    soundFontsOf(plan.tracks.filter((_, i) => inMix[i])),
  );
  const mixSourceIds = new Set(
    plan.tracks.flatMap((t, i) => (inMix[i] ? t.clips.map((c) => c.sourceId) : [])),
  );
  const sources = openProjectSources(
    dir,
    plan.sources.filter((s) => mixSourceIds.has(s.id)),
  );
  const engine = await ParallelEngine.start({
    dir,
    project,
    plan,
    mixSources: sources,
    mixSoundFonts,
    blockFrames,
    chunkFrames,
    threads,
  });
  return { engine, sources };
}

function stemName(name: string, index: number): string {
  const safe = name.replace(/[^\p{L}\p{N} ._-]+/gu, "_").trim() || "track";
  return `${String(index + 1).padStart(2, "0")} ${safe}`;
}
