import { JobQueue, type WorkerEvent } from "../../jobs/node/job-queue.ts";
import {
  describeDatabaseUrl,
  openStore,
  storeOptionsFromEnv,
} from "../../store/node/open-store.ts";
import { type Command, optionalInteger, parseCommandLine } from "../command.ts";
import { EXIT } from "../exit-codes.ts";

export const workerCommand: Command = {
  help: `controlroom worker [--concurrency N] [--data <dir>] [--name <name>]

Takes render, master and analysis jobs off the studio's queue and runs them, until Ctrl-C
(a running job finishes first). Start as many as you like, on this machine or others: each
job runs once, and a job whose worker dies goes to another after about 15 seconds.

Workers share the studio's database and files: set DATABASE_URL to the same PostgreSQL
server the studio uses, and --data to a folder the studio's files are in (or the same S3
bucket). The embedded database belongs to the one process that opened it; a studio on it
runs its jobs itself (controlroom serve --workers N).

  --concurrency N   jobs run at once (default 1)
  --data <dir>      the data folder with the blob store (default .controlroom)
  --name <name>     this worker's name in each job's runs (default host:pid)`,
  async run(argv) {
    const { values } = parseCommandLine("worker", argv, {
      concurrency: { type: "string" },
      data: { type: "string" },
      name: { type: "string" },
    });
    const options = storeOptionsFromEnv(process.env, values.data);
    const store = await openStore(options);
    const queue = await JobQueue.open(store);
    const name = values.name ?? undefined;
    await queue.work({
      name,
      concurrency: optionalInteger(values.concurrency, "--concurrency", 1, 64) ?? 1,
      onEvent: (event) => console.log(describe(event)),
    });
    const where = options.databaseUrl
      ? describeDatabaseUrl(options.databaseUrl)
      : "the embedded database";
    console.log(`worker ${name ?? process.pid} is taking jobs from ${where}`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    console.log("stopping: running jobs finish first");
    await queue.stop();
    await store.close();
    return EXIT.ok;
  },
};

/** One log line per job start and end; progress goes to the job's row and the change feed. */
function describe(event: WorkerEvent): string {
  return event.type === "started"
    ? `job ${event.job.id} ${event.job.kind}: started (attempt ${event.attempt})`
    : `job ${event.jobId}: ${event.outcome}${event.error ? `: ${event.error}` : ""}`;
}
