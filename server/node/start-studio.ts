import { count, desc, sql } from "drizzle-orm";
import { firstStartOwner, signInInstructions } from "../../accounts/owner.ts";
import { hashPassword } from "../../accounts/passwords.ts";
import { seedDemoProject } from "../../examples/demo-song/seed-store.ts";
import { JobQueue } from "../../jobs/node/job-queue.ts";
import { openStore, storeOptionsFromEnv } from "../../store/node/open-store.ts";
import { accounts, projects } from "../../store/schema.ts";
import type { Store } from "../../store/store.ts";
import { buildServer } from "../app.ts";
import { loadCsrfSecret } from "../auth.ts";
import { ChangeFeed } from "../feed.ts";
import { parseAllowedOrigins, parseTrustProxy } from "../proxy-settings.ts";
import { projectQuotaFromEnv } from "../uploads.ts";
import { builtWebApp } from "./web-assets.ts";

export interface StudioOptions {
  port: number;
  host: string;
  /** The data folder for the embedded database and blobs; DATABASE_URL moves the database. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  logger?: boolean;
  /** Jobs this process runs at once; 0 leaves them to `controlroom worker` processes. */
  workers?: number;
  /** `--trust-proxy`; else CONTROLROOM_TRUST_PROXY; else no proxy is believed. */
  trustProxy?: string;
}

export interface Studio {
  url: string;
  /** What to tell the person who started it: where it is, and how to sign in the first time. */
  messages: string[];
  close(): Promise<void>;
}

/** The owner account's address until the studio's pages let it be changed. */
const OWNER_EMAIL = "owner@controlroom.local";

/**
 * Starts the studio: opens the store (PGlite in the data folder, or PostgreSQL from
 * DATABASE_URL), creates the owner's account and seeds the demo song on the first start,
 * then serves HTTP.
 */
export async function startStudio(options: StudioOptions): Promise<Studio> {
  const env = options.env ?? process.env;
  const store = await openStore(storeOptionsFromEnv(env, options.dataDir));
  let jobs: JobQueue | undefined;
  let feed: ChangeFeed | undefined;
  try {
    const owner = await ensureOwner(store, env.CONTROLROOM_OWNER_EMAIL ?? OWNER_EMAIL);
    await seedDemo(store, owner.accountId);
    feed = await ChangeFeed.relayedThrough(store);
    jobs = await JobQueue.open(store);
    const workers = options.workers ?? 1;
    if (workers > 0) await jobs.work({ concurrency: workers });
    const app = await buildServer({
      jobs,
      auth: {
        store,
        csrfSecret: await loadCsrfSecret(store),
        feed,
        allowedOrigins: parseAllowedOrigins(env.CONTROLROOM_ALLOWED_ORIGINS),
      },
      trustProxy: parseTrustProxy(
        options.trustProxy ?? env.CONTROLROOM_TRUST_PROXY,
        options.trustProxy === undefined ? "CONTROLROOM_TRUST_PROXY" : "--trust-proxy",
      ),
      logger: options.logger ?? false,
      projectQuota: projectQuotaFromEnv(env),
      web: builtWebApp(),
      ready: async () => {
        await store.db.execute(sql`select 1`);
        return true;
      },
    });
    await app.listen({ port: options.port, host: options.host });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}/`;
    const messages = [`Control Room is running at ${url}`];
    if (owner.created) messages.push(signInInstructions(owner.created, url));
    return {
      url,
      messages,
      close: async () => {
        await app.close();
        await jobs?.stop();
        await feed?.close();
        await store.close();
      },
    };
  } catch (error) {
    await jobs?.stop().catch(() => {});
    await feed?.close().catch(() => {});
    await store.close();
    throw error;
  }
}

async function ensureOwner(
  store: Store,
  email: string,
): Promise<{ accountId: string; created: ReturnType<typeof firstStartOwner> | null }> {
  const [{ n }] = await store.db.select({ n: count() }).from(accounts);
  if (n > 0) {
    const [first] = await store.db
      .select({ id: accounts.id })
      .from(accounts)
      .orderBy(desc(accounts.studioOwner), accounts.createdAt)
      .limit(1);
    return { accountId: first.id, created: null };
  }
  const owner = firstStartOwner({ email });
  const account = await store.createAccount({
    email: owner.email,
    displayName: "Owner",
    passwordHash: await hashPassword(owner.password),
    studioOwner: true,
  });
  return { accountId: account.id, created: owner };
}

/** The first start gets the demo song as a project, its audio in the blob store. */
async function seedDemo(store: Store, owner: string): Promise<void> {
  const [{ n }] = await store.db.select({ n: count() }).from(projects);
  if (n === 0) await seedDemoProject(store, owner);
}
