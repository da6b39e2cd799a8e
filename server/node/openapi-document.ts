import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { JobQueue } from "../../jobs/node/job-queue.ts";
import { openStore } from "../../store/node/open-store.ts";
import { buildServer } from "../app.ts";

/**
 * The server's OpenAPI document, as `GET /api/docs/json` serves it, from a studio with every
 * route (accounts, projects, files, jobs) over a throwaway embedded database.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "controlroom-openapi-"));
  const store = await openStore({ dataDir });
  const jobs = await JobQueue.open(store);
  try {
    const app = await buildServer({ auth: { store, csrfSecret: new Uint8Array(32) }, jobs });
    try {
      return (await app.inject("/api/docs/json")).json();
    } finally {
      await app.close();
    }
  } finally {
    await jobs.stop(1_000);
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
