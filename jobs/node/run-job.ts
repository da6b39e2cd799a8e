import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { analyzeFile } from "../../analysis/node/analyze-file.ts";
import { masterToProfile } from "../../engine/node/master.ts";
import { renderProject } from "../../engine/node/render-project.ts";
import { decodeToWav } from "../../formats/node/audio-import.ts";
import { isWavFile } from "../../formats/node/decode-file.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { Project } from "../../music/project.ts";
import { deliveryProfile } from "../../production/delivery/profiles.ts";
import { checkFileName } from "../../store/files.ts";
import type { JobRecord } from "../../store/jobs.ts";
import type { Store } from "../../store/store.ts";
import {
  type AnalysisRequest,
  JobRequest,
  jobFileName,
  type MasterRequest,
  type RenderRequest,
  renderBitDepth,
} from "../requests.ts";

/** What a running job is told and tells: cancellation in, progress out. */
export interface JobContext {
  signal: AbortSignal;
  progress(fraction: number, stage: string): void;
}

export interface ResultFile {
  name: string;
  sha256: string;
  size: number;
  mediaType: string;
}

export interface JobResult {
  files: ResultFile[];
  report: Record<string, unknown>;
  [key: string]: unknown;
}

const MEDIA_TYPES: Record<string, string> = {
  wav: "audio/wav",
  flac: "audio/flac",
  mp3: "audio/mpeg",
  json: "application/json",
};

/**
 * Runs one job in a folder of its own: the files it needs come out of the blob store, the
 * work runs as the CLI would run it, and what it made goes back into the blob store as
 * project files under `jobs/<id>/`. The folder is removed whatever happens.
 */
export async function runJob(
  store: Store,
  job: JobRecord,
  context: JobContext,
): Promise<JobResult> {
  const request = JobRequest.parse(job.request);
  const work = await mkdtemp(path.join(tmpdir(), "controlroom-job-"));
  try {
    switch (request.kind) {
      case "render":
        return await render(store, job, request, work, context);
      case "master":
        return await master(store, job, request, work, context);
      case "analysis":
        return await analysis(store, job, request, work, context);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function render(
  store: Store,
  job: JobRecord,
  request: RenderRequest,
  work: string,
  context: JobContext,
): Promise<JobResult> {
  const revision = await store.loadRevision(job.projectId, request.revision);
  const document = revision.document as Project;
  context.progress(0, "fetching audio");
  const needed = [
    ...new Set([
      ...document.sources.map((source) => source.file),
      ...document.tracks.flatMap((track) =>
        track.instrument && track.instrument.soundfont !== "default"
          ? [track.instrument.soundfont]
          : [],
      ),
    ]),
  ];
  const sources = new Set(document.sources.map((source) => source.file));
  for (const [i, name] of needed.entries()) {
    if (sources.has(name)) await fetchSource(store, job.projectId, name, work);
    else await fetchFile(store, job.projectId, name, path.join(work, "project"));
    context.progress((0.05 * (i + 1)) / needed.length, "fetching audio");
  }
  const output = path.join(work, `mix.${request.format}`);
  const report = await renderProject(path.join(work, "project"), document, {
    output,
    format: request.format,
    bitDepth: renderBitDepth(request),
    sampleRate: request.sampleRate,
    startSeconds: request.startSeconds,
    endSeconds: request.endSeconds,
    measureLoudness: true,
    onProgress: (done, total) => context.progress(0.05 + (0.9 * done) / total, "rendering"),
  });
  context.progress(0.95, "storing the mix");
  const file = await storeResult(store, job, output);
  return {
    files: [file],
    report: {
      revision: revision.number,
      format: report.format,
      bitDepth: report.bitDepth,
      sampleRate: report.sampleRate,
      seconds: report.seconds,
      levels: report.levels,
      loudness: report.loudness,
      realtimeFactor: report.realtimeFactor,
    },
  };
}

async function master(
  store: Store,
  job: JobRecord,
  request: MasterRequest,
  work: string,
  context: JobContext,
): Promise<JobResult> {
  const profile = deliveryProfile(request.profile);
  context.progress(0, "fetching the mix");
  const fetched = await fetchFile(store, job.projectId, request.file, path.join(work, "input"));
  // A master of an uploaded FLAC, MP3, Ogg or AIFF plays its decoded audio, as the CLI's does.
  const input = await decodeToWav(fetched, await mkdtemp(path.join(work, "decoded-")));
  const output = path.join(work, `${profile.id}.${profile.format}`);
  const report = await masterToProfile(input, profile, output, (fraction) =>
    context.progress(0.02 + 0.93 * fraction, "mastering"),
  );
  context.progress(0.95, "storing the master");
  const file = await storeResult(store, job, output);
  const { output: _written, ...rest } = report;
  return { files: [file], report: { ...rest } };
}

async function analysis(
  store: Store,
  job: JobRecord,
  request: AnalysisRequest,
  work: string,
  context: JobContext,
): Promise<JobResult> {
  context.progress(0, "fetching the file");
  const input = await fetchFile(store, job.projectId, request.file, path.join(work, "input"));
  const report = await analyzeFile(input, {
    onProgress: (done, total) => context.progress(0.02 + (0.93 * done) / total, "analysing"),
  });
  // The spectrum goes to the file only: 1/24-octave points are for plotting, not for a list.
  const { spectrum, ...summary } = report;
  const reportFile = path.join(work, "analysis.json");
  const full = { file: request.file, ...summary, spectrum };
  await writeFile(reportFile, `${JSON.stringify(full, null, 2)}\n`);
  const file = await storeResult(store, job, reportFile);
  return { files: [file], report: { file: request.file, ...summary } };
}

/**
 * Puts a source's audio into the job's project folder as the engine reads it: a WAV as it
 * is, anything else (FLAC, MP3, Ogg, AIFF) decoded to a 32-bit float WAV under the source's
 * own name, so the document needs no change. The decoder is the one the upload was probed
 * with, so the frames are those the source was checked against when it was saved.
 */
async function fetchSource(store: Store, projectId: string, name: string, work: string) {
  const fetched = await fetchFile(store, projectId, name, path.join(work, "fetched"));
  const target = path.join(work, "project", name);
  await mkdir(path.dirname(target), { recursive: true });
  if (await isWavFile(fetched)) {
    await rename(fetched, target);
    return;
  }
  const decoded = await decodeToWav(fetched, await mkdtemp(path.join(work, "decoded-")));
  await rename(decoded, target);
}

/** Copies a project file out of the blob store into `dir`, under its project name. */
async function fetchFile(store: Store, projectId: string, name: string, dir: string) {
  checkFileName(name);
  const file = await store.findFile(projectId, name);
  if (!file) {
    throw new ControlRoomError("E_FILE_NOT_FOUND", `the project has no file ${name}`, name);
  }
  const target = path.join(dir, name);
  await mkdir(path.dirname(target), { recursive: true });
  await pipeline(await store.blobs.get(file.sha256), createWriteStream(target));
  return target;
}

async function storeResult(store: Store, job: JobRecord, file: string): Promise<ResultFile> {
  const base = path.basename(file);
  const name = jobFileName(job.id, base);
  const mediaType = MEDIA_TYPES[path.extname(base).slice(1)] ?? "application/octet-stream";
  const stored = await store.putFile(job.projectId, name, createReadStream(file), {
    mediaType,
    addedBy: job.requestedBy ?? undefined,
  });
  return { name, sha256: stored.sha256, size: stored.size, mediaType };
}
