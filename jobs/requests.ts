import { z } from "zod";
import { DELIVERY_PROFILES } from "../production/delivery/profiles.ts";

/**
 * What a job is asked to do. A render plays a revision of the project through the engine;
 * a master takes one of the project's files to a delivery profile; an analysis measures one
 * of its files. Results are project files under `jobs/<job id>/`.
 */

/** A project file a job reads: the name it has in the project (`audio/…`, `jobs/…/mix.wav`). */
const ProjectFileName = z.string().min(1).max(512);

export const RenderRequest = z.strictObject({
  kind: z.literal("render"),
  /** The revision to render; the project's current one when left out. */
  revision: z.int().min(1).optional(),
  format: z.enum(["wav", "flac", "mp3"]).default("wav"),
  bitDepth: z.union([z.literal(16), z.literal(24), z.literal(32)]).default(24),
  sampleRate: z.union([z.literal(44_100), z.literal(48_000), z.literal(96_000)]).optional(),
  startSeconds: z.number().min(0).optional(),
  endSeconds: z.number().positive().optional(),
});

const PROFILE_IDS = DELIVERY_PROFILES.map((p) => p.id) as [string, ...string[]];

export const MasterRequest = z.strictObject({
  kind: z.literal("master"),
  /** The mix to master: a project file, such as an earlier render's `jobs/<id>/mix.wav`. */
  file: ProjectFileName,
  profile: z.enum(PROFILE_IDS),
});

export const AnalysisRequest = z.strictObject({
  kind: z.literal("analysis"),
  file: ProjectFileName,
});

export const JobRequest = z.discriminatedUnion("kind", [
  RenderRequest,
  MasterRequest,
  AnalysisRequest,
]);
export type JobRequest = z.infer<typeof JobRequest>;
export type RenderRequest = z.infer<typeof RenderRequest>;
export type MasterRequest = z.infer<typeof MasterRequest>;
export type AnalysisRequest = z.infer<typeof AnalysisRequest>;

/** Where a job's result files go in its project. */
export function jobFileName(jobId: string, name: string): string {
  return `jobs/${jobId}/${name}`;
}
