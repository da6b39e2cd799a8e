import { JobQueue, type WorkerEvent } from "../../jobs/node/job-queue.ts";
import {
  describeDatabaseUrl,
  openStore,
  storeOptionsFromEnv,
} from "../../store/node/open-store.ts";
import { type Command, optionalInteger, parseCommandLine } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/worker.ts";

export const workerCommand: Command = {
  help,
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
