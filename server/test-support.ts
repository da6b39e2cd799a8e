import { hashPassword, Password } from "../accounts/passwords.ts";
import type { Role } from "../accounts/roles.ts";
import { JobQueue } from "../jobs/node/job-queue.ts";
import { emptyProject } from "../music/project.ts";
import type { Store } from "../store/store.ts";
import { type TestDatabase, testDatabases } from "../store/test-support/databases.ts";
import { buildServer, type ServerOptions } from "./app.ts";
import { loadCsrfSecret } from "./auth.ts";
import { ChangeFeed } from "./feed.ts";

/** Everyone's password in the server's tests. */
export const PASSWORD = "correct horse battery staple";

export interface StudioUnderTest {
  app: Awaited<ReturnType<typeof buildServer>>;
  store: Store;
  /** The one project; the first member named is its producer and owner. */
  projectId: string;
  /** The account id of `who`. */
  accountId(who: string): string;
  /** Another client of the studio's database, as a second server process would open it. */
  openStoreClient(): Promise<Store>;
  /** The job queue, when the studio was started with one. */
  jobs: JobQueue | undefined;
  /** Signs `who` in (their email is `<who>@studio.test`): the session cookie and its CSRF token. */
  signIn(who: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

/**
 * The database the server's suites run on: PGlite, or the PostgreSQL server in
 * TEST_DATABASE_URL when vitest runs them as the "server on PostgreSQL" project
 * (vitest.config.ts), so the API suites run on both as the store's do.
 */
function serverTestDatabase(): TestDatabase {
  const name = process.env.STUDIO_TEST_DATABASE ?? "PGlite";
  const database = testDatabases.find((d) => d.name === name);
  if (!database) throw new Error(`STUDIO_TEST_DATABASE names no test database: ${name}`);
  if (database.skip) throw new Error(database.skip);
  return database;
}

/**
 * A real server over a real store (PGlite in a temp folder, or a PostgreSQL database) with one project: an account per
 * name in `people`, a member of the project in the given role, or in none when `null`.
 */
export async function studioUnderTest(
  people: Record<string, Role | null>,
  options: {
    /** A feed of this process, or one relayed through the database as `serve` runs it. */
    feed?: ChangeFeed | "relayed";
    jobs?: "queue only" | "queue and worker";
    server?: Pick<ServerOptions, "logger" | "uploadLimit" | "projectQuota" | "importLimit">;
  } = {},
): Promise<StudioUnderTest> {
  const opened = await serverTestDatabase().open();
  const { store } = opened;
  const passwordHash = await hashPassword(Password.from(PASSWORD));
  const ids = new Map<string, string>();
  for (const who of Object.keys(people)) {
    const account = await store.createAccount({
      email: `${who}@studio.test`,
      displayName: who,
      passwordHash,
    });
    ids.set(who, account.id);
  }
  const [owner] = Object.entries(people).find(([, role]) => role === "producer") ?? [];
  if (owner === undefined) throw new Error("studioUnderTest needs a producer to own the project");
  const project = await store.createProject({
    title: "Song",
    owner: ids.get(owner)!,
    document: emptyProject({ title: "Song" }),
  });
  for (const [who, role] of Object.entries(people)) {
    if (role !== null && who !== owner) await store.setMemberRole(project.id, ids.get(who)!, role);
  }
  const feed = options.feed === "relayed" ? await ChangeFeed.relayedThrough(store) : options.feed;
  const jobs = options.jobs ? await JobQueue.open(store) : undefined;
  if (options.jobs === "queue and worker") await jobs?.work({ name: "worker-in-test" });
  const app = await buildServer({
    auth: { store, csrfSecret: await loadCsrfSecret(store), feed },
    jobs,
    ...options.server,
  });
  return {
    app,
    store,
    projectId: project.id,
    accountId: (who) => ids.get(who)!,
    openStoreClient: () => opened.openClient(),
    jobs,
    async signIn(who) {
      const response = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { email: `${who}@studio.test`, password: PASSWORD },
      });
      if (response.statusCode !== 200)
        throw new Error(`${who} could not sign in: ${response.body}`);
      return {
        cookie: String(response.headers["set-cookie"]).split(";")[0],
        csrf: response.json().csrfToken,
      };
    },
    async close() {
      await app.close();
      await jobs?.stop(5_000);
      await feed?.close();
      await opened.cleanup();
    },
  };
}
