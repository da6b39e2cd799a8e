import { z } from "zod";
import { planMix } from "../engine/mix/mix-plan.ts";
import { ControlRoomError } from "../music/errors.ts";
import type { Project } from "../music/project.ts";
import { TempoMap } from "../music/tempo-map.ts";
import { DELIVERY_PROFILES } from "../production/delivery/profiles.ts";

/**
 * What a job is asked to do. A render plays a revision of the project through the engine;
 * a master takes one of the project's files to a delivery profile; an analysis measures one
 * of its files. Results are project files under `jobs/<job id>/`.
 */

/** A project file a job reads: the name it has in the project (`audio/…`, `jobs/…/mix.wav`). */
const ProjectFileName = z.string().min(1).max(512);

/** The bit depths each format can carry: MP3 is encoded from 16-bit samples, FLAC is 16 or 24. */
export const BIT_DEPTHS_OF_FORMAT = {
  wav: [16, 24, 32],
  flac: [16, 24],
  mp3: [16],
} as const;
type RenderFormat = keyof typeof BIT_DEPTHS_OF_FORMAT;

export const RenderRequest = z
  .strictObject({
    kind: z.literal("render"),
    /** The revision to render; the project's current one when left out. */
    revision: z.int().min(1).optional(),
    format: z.enum(["wav", "flac", "mp3"]).default("wav"),
    /** 24 for WAV and FLAC, 16 for MP3 when left out. */
    bitDepth: z.union([z.literal(16), z.literal(24), z.literal(32)]).optional(),
    sampleRate: z.union([z.literal(44_100), z.literal(48_000), z.literal(96_000)]).optional(),
    startSeconds: z.number().min(0).optional(),
    endSeconds: z.number().positive().optional(),
  })
  .superRefine((request, context) => {
    const fits: readonly number[] = BIT_DEPTHS_OF_FORMAT[request.format];
    if (request.bitDepth !== undefined && !fits.includes(request.bitDepth)) {
      context.addIssue({
        code: "custom",
        path: ["bitDepth"],
        message: `${request.format.toUpperCase()} is ${fits.join(" or ")}-bit, not ${request.bitDepth}-bit`,
      });
    }
    if (
      request.startSeconds !== undefined &&
      request.endSeconds !== undefined &&
      request.endSeconds <= request.startSeconds
    ) {
      context.addIssue({
        code: "custom",
        path: ["endSeconds"],
        message: `the range is reversed or empty: it ends at ${request.endSeconds} s, not after its start at ${request.startSeconds} s`,
      });
    }
  });

/** The bit depth a render writes: what was asked, else 24 (16 for MP3). */
export function renderBitDepth(request: {
  format: RenderFormat;
  bitDepth?: 16 | 24 | 32;
}): 16 | 24 | 32 {
  return request.bitDepth ?? (request.format === "mp3" ? 16 : 24);
}

/**
 * How long the song is: to the end of its last sound (a clip, a source played, a note), or of
 * its last section when the arrangement runs longer (a plan not yet recorded).
 */
export function songSeconds(project: Project): number {
  const rate = project.song.sampleRate;
  const lastSound = planMix(project, rate).endFrame / rate;
  const lastSectionTick = Math.max(0, ...project.sections.map((s) => s.startTick + s.lengthTicks));
  return Math.max(lastSound, new TempoMap(project.tempo).ticksToSeconds(lastSectionTick));
}

/** How far past the song's last sound a render may run: room for tails, not for hours. */
export const MAX_RENDER_TAIL_SECONDS = 30;

/**
 * Refuses a render range that lies outside a song of `songSeconds`: one that starts after
 * the song has ended, or ends more than MAX_RENDER_TAIL_SECONDS past it.
 */
export function checkRenderRange(
  request: Pick<RenderRequest, "startSeconds" | "endSeconds">,
  songSeconds: number,
): void {
  const song = `the song ends at ${songSeconds.toFixed(3)} s`;
  const start = request.startSeconds ?? 0;
  if (start > 0 && start >= songSeconds) {
    throw new ControlRoomError(
      "E_JOB_RANGE",
      `the render starts at ${start} s, after the song has ended: ${song}`,
      "startSeconds",
    );
  }
  if (
    request.endSeconds !== undefined &&
    request.endSeconds > songSeconds + MAX_RENDER_TAIL_SECONDS
  ) {
    throw new ControlRoomError(
      "E_JOB_RANGE",
      `the render ends at ${request.endSeconds} s, more than ${MAX_RENDER_TAIL_SECONDS} s past the song's end: ${song}`,
      "endSeconds",
    );
  }
}

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
