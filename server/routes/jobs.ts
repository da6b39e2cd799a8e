import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { JobQueue } from "../../jobs/node/job-queue.ts";
import { checkRenderRange, JobRequest, songSeconds } from "../../jobs/requests.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { checkFileName } from "../../store/files.ts";
import { type JobRecord, jobNotFound } from "../../store/jobs.ts";
import type { AuthContext } from "../auth.ts";
import { caller } from "../route-access.ts";

const Params = z.strictObject({ projectId: z.string() });
const JobParams = z.strictObject({ projectId: z.string(), jobId: z.uuid() });

const Job = z.object({
  id: z.string(),
  kind: z.string(),
  request: z.record(z.string(), z.unknown()),
  requestedBy: z.string().nullable(),
  createdAt: z.date(),
  state: z.enum(["queued", "running", "done", "failed", "cancelled"]),
  progress: z.number(),
  stage: z.string(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  finishedAt: z.date().nullable(),
});

const show = ({ projectId: _, ...job }: JobRecord) => job;

/** Render, master and analysis jobs: start them, watch their progress, cancel them. */
export function jobRoutes(app: FastifyInstance, context: AuthContext, queue: JobQueue): void {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const { store } = context;

  route.post(
    "/api/projects/:projectId/jobs",
    {
      config: { access: { project: "jobs.run", unlessArchived: "new jobs" } },
      schema: {
        summary: "Start a job",
        description:
          "Starts a job: a render of a revision, a master of a project file to a delivery profile, or an analysis of a file. Results become project files under jobs/<id>/.",
        params: Params,
        body: JobRequest,
        response: { 201: Job },
      },
    },
    async (request, reply) => {
      const { projectId } = request.params;
      const signedIn = caller(request);
      const job = request.body;
      // What cannot be done is said now, not after the job has waited for a worker.
      if (job.kind === "render") {
        const revision = await store.loadRevision(projectId, job.revision);
        checkRenderRange(job, songSeconds(revision.document));
      } else {
        checkFileName(job.file);
        if (!(await store.findFile(projectId, job.file))) {
          throw new ControlRoomError(
            "E_FILE_NOT_FOUND",
            `the project has no file ${job.file}`,
            "file",
          );
        }
      }
      reply.code(201);
      return show(await queue.submit(projectId, job, signedIn.account.id));
    },
  );

  route.get(
    "/api/projects/:projectId/jobs",
    {
      config: { access: { project: "jobs.read" } },
      schema: {
        summary: "List the jobs",
        description: "The project's jobs, newest first, with their progress and results.",
        params: Params,
        response: { 200: z.object({ jobs: z.array(Job) }) },
      },
    },
    async (request) => {
      const { projectId } = request.params;
      return { jobs: (await store.listJobs(projectId)).map(show) };
    },
  );

  route.get(
    "/api/projects/:projectId/jobs/:jobId",
    {
      config: { access: { project: "jobs.read" } },
      schema: {
        summary: "Watch a job",
        description: "One job, with each attempt a worker made at it.",
        params: JobParams,
        response: {
          200: Job.extend({
            runs: z.array(
              z.object({
                attempt: z.number(),
                worker: z.string(),
                startedAt: z.date(),
                finishedAt: z.date().nullable(),
                outcome: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { projectId, jobId } = request.params;
      const job = await store.findJob(projectId, jobId);
      if (!job) throw jobNotFound(jobId);
      return { ...show(job), runs: await store.listJobRuns(jobId) };
    },
  );

  route.post(
    "/api/projects/:projectId/jobs/:jobId/cancel",
    {
      config: { access: { project: "jobs.run" } },
      schema: {
        summary: "Cancel a job",
        description:
          "Cancels a queued or running job. A running job stops at its worker's next heartbeat (about a second) and keeps no result.",
        params: JobParams,
        response: { 200: Job },
      },
    },
    async (request) => {
      const { projectId, jobId } = request.params;
      return show(await queue.cancel(projectId, jobId));
    },
  );
}
