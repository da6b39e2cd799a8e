import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, Password, readPasswordHash } from "../accounts/passwords.ts";
import { hashSessionToken, SESSION_MAX_AGE_SECONDS, startSession } from "../accounts/sessions.ts";
import { accounts, sessions } from "../store/schema.ts";
import { insertSession } from "../store/sessions.ts";
import type { Store } from "../store/store.ts";
import { buildServer, type ServerOptions } from "./app.ts";
import { loadCsrfSecret } from "./auth.ts";
import { PASSWORD, type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Sessions as real deployments need them: they survive a restart and work on every process,
 * slide forward while in use, are swept when expired; the sign-in limit holds across
 * processes; a TLS proxy is believed only when trusted.
 */
let studio: StudioUnderTest;
const opened: Awaited<ReturnType<typeof buildServer>>[] = [];

beforeAll(async () => {
  studio = await studioUnderTest({ pro: "producer", eng: "engineer" });
}, 60_000);
afterAll(async () => {
  for (const app of opened) await app.close();
  await studio?.close();
});

/** Another server process over the studio's database, as `serve` would start it. */
async function anotherServer(
  store: Store,
  options: Pick<ServerOptions, "trustProxy"> & { now?: () => Date } = {},
) {
  const app = await buildServer({
    auth: { store, csrfSecret: await loadCsrfSecret(store), now: options.now },
    trustProxy: options.trustProxy,
  });
  opened.push(app);
  return app;
}

const HOUR = 3600 * 1000;

describe("sessions", () => {
  it("survive a restart: the same cookie and CSRF token save on a new server over the same database", async () => {
    const { cookie, csrf } = await studio.signIn("pro");
    await studio.app.close();
    const restarted = await anotherServer(await studio.openStoreClient());
    const saved = await restarted.inject({
      method: "POST",
      url: `/api/projects/${studio.projectId}/revisions`,
      headers: { cookie, "x-csrf-token": csrf },
      payload: {
        baseRevision: 1,
        operations: [{ type: "chord.add", chord: { tick: 0, symbol: "G" } }],
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ ok: true, revision: 2 });
    studio.app = restarted;
  });

  it("slide forward while in use, at most once an hour, and the cookie with them", async () => {
    let clock = new Date("2027-01-04T09:00:00Z");
    const app = await anotherServer(studio.store, { now: () => clock });
    const signIn = await app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "eng@studio.test", password: PASSWORD },
    });
    const cookie = String(signIn.headers["set-cookie"]).split(";")[0];
    const tokenHash = hashSessionToken(cookie.split("=")[1] as never);
    const expiry = async () =>
      (await studio.store.db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)))[0]
        ?.expiresAt;
    const read = () => app.inject({ method: "GET", url: "/api/session", headers: { cookie } });

    clock = new Date(clock.getTime() + 30 * 60 * 1000);
    const soon = await read();
    expect(soon.statusCode).toBe(200);
    expect(soon.headers["set-cookie"]).toBeUndefined();

    // Ten days on, still in the first session's fortnight: renewed for another fortnight.
    clock = new Date(clock.getTime() + 10 * 24 * HOUR);
    const renewed = await read();
    expect(renewed.statusCode).toBe(200);
    expect(String(renewed.headers["set-cookie"])).toContain(`Max-Age=${SESSION_MAX_AGE_SECONDS}`);
    expect((await expiry())?.getTime()).toBe(clock.getTime() + SESSION_MAX_AGE_SECONDS * 1000);

    // Twenty days after signing in, past the first fortnight: alive, because it was used.
    clock = new Date(clock.getTime() + 10 * 24 * HOUR);
    expect((await read()).statusCode).toBe(200);
    // Unused for longer than a fortnight, it ends.
    clock = new Date(clock.getTime() + 15 * 24 * HOUR);
    expect((await read()).statusCode).toBe(401);
  });

  it("are swept once expired, and live ones stay", async () => {
    const now = new Date();
    const stale = startSession(studio.accountId("pro"), new Date(now.getTime() - 30 * 24 * HOUR));
    const live = startSession(studio.accountId("pro"), now);
    await insertSession(studio.store.db, stale.stored);
    await insertSession(studio.store.db, live.stored);
    const swept = await studio.store.sweepExpired(now);
    expect(swept.sessions).toBeGreaterThanOrEqual(1);
    const left = (await studio.store.db.select().from(sessions)).map((row) => row.tokenHash);
    expect(left).toContain(live.stored.tokenHash);
    expect(left).not.toContain(stale.stored.tokenHash);
  });
});

describe("passwords", () => {
  it("are hashed again under the current argon2 parameters at the next sign-in", async () => {
    const weak = await hashPassword(Password.from(PASSWORD), {
      memoryKiB: 8_192,
      passes: 1,
      parallelism: 1,
    });
    const account = await studio.store.createAccount({
      email: "old@studio.test",
      displayName: "Old",
      passwordHash: weak,
    });
    const signIn = await studio.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "old@studio.test", password: PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    const [row] = await studio.store.db
      .select({ hash: accounts.passwordHash })
      .from(accounts)
      .where(eq(accounts.id, account.id));
    expect(row.hash).not.toBe(weak);
    expect(readPasswordHash(row.hash)).toMatchObject({ memoryKiB: 19_456, passes: 2 });
    const again = await studio.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { email: "old@studio.test", password: PASSWORD },
    });
    expect(again.statusCode).toBe(200);
  });
});

describe("behind a proxy", () => {
  it("believes X-Forwarded-Proto and X-Forwarded-For only when trustProxy is set", async () => {
    const trusting = await anotherServer(studio.store, { trustProxy: true });
    const direct = await anotherServer(studio.store);
    const signIn = (app: typeof direct) =>
      app.inject({
        method: "POST",
        url: "/api/session",
        headers: { "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.20" },
        payload: { email: "pro@studio.test", password: PASSWORD },
      });
    const secure = String((await signIn(trusting)).headers["set-cookie"]);
    expect(secure).toMatch(/^__Host-controlroom_session=/);
    expect(secure).toContain("; Secure");
    const plain = String((await signIn(direct)).headers["set-cookie"]);
    expect(plain).toMatch(/^controlroom_session=/);
    expect(plain).not.toContain("Secure");
    // The secure cookie works through the proxy.
    const cookie = secure.split(";")[0];
    const read = await trusting.inject({
      method: "GET",
      url: "/api/session",
      headers: { cookie, "x-forwarded-proto": "https" },
    });
    expect(read.statusCode).toBe(200);
  });

  it("limits sign-in attempts across server processes, per account and per client address", async () => {
    const a = await anotherServer(await studio.openStoreClient(), { trustProxy: true });
    const b = await anotherServer(await studio.openStoreClient(), { trustProxy: true });
    const attempt = (app: typeof a, email: string, address: string) =>
      app.inject({
        method: "POST",
        url: "/api/session",
        headers: { "x-forwarded-for": address },
        payload: { email, password: "a wrong password, several times" },
      });
    // Five tries at one account, alternating processes and addresses; the sixth waits.
    for (let i = 0; i < 5; i++) {
      const response = await attempt(i % 2 ? a : b, "target@studio.test", `192.0.2.${i + 1}`);
      expect(response.statusCode, `try ${i + 1}`).toBe(401);
    }
    const sixth = await attempt(a, "target@studio.test", "192.0.2.99");
    expect(sixth.statusCode).toBe(429);
    expect(Number(sixth.headers["retry-after"])).toBeGreaterThan(0);
    expect(sixth.json().error.code).toBe("E_RATE_LIMITED");
    // Twenty from one address at different accounts, across both; the 21st waits, others don't.
    for (let i = 0; i < 20; i++) {
      const response = await attempt(i % 2 ? a : b, `spray-${i}@studio.test`, "203.0.113.7");
      expect(response.statusCode, `spray ${i + 1}`).toBe(401);
    }
    expect((await attempt(b, "spray-21@studio.test", "203.0.113.7")).statusCode).toBe(429);
    expect((await attempt(b, "spray-21@studio.test", "203.0.113.8")).statusCode).toBe(401);
  });
});
