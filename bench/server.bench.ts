#!/usr/bin/env node
/**
 * npm run bench — the studio server under load on loopback (issue 5), on PGlite and on
 * PostgreSQL, beside a bare node:http server answering the same bytes.
 *
 * The studio runs as a user starts it, `controlroom serve`, in a process of its own, on
 * an empty database: its first start creates the owner's account and the demo song. We
 * sign in as the owner with the password it printed, find the demo song in the project
 * list and measure:
 *  - reads: GET the project and GET its current document, at 200 requests/s paced (target:
 *    p99 under 50 ms) and unthrottled with autocannon, for the maximum;
 *  - saves: a batch of four param.set on the master, by one writer in a loop (each save on
 *    the revision the last one made), and by four writers at once, who meet 409s and retry
 *    on the revision the 409 names;
 *  - fan-out: 50 WebSocket clients on the project's feed while one client saves; for each
 *    save, the time from sending it until the last of the 50 has seen it (target: 200 ms).
 * The peer, for reads, is `plain-json-server.ts`: node:http handing back the bytes the
 * studio answered, so the ratio is what the framework, the session and role checks and the
 * database cost. Benchmarks print; they never fail.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import WebSocket from "ws";
import { table } from "../cli/format-table.ts";
import { benchPostgres } from "./bench-postgres.ts";
import { httpRequest, keepAliveAgent, pacedLoad, percentile, requestOnce } from "./http-load.ts";
import { type StudioProcess, startStudioProcess } from "./studio-process.ts";
import { machineLine } from "./timed-process.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** Length of each read and contended-save run. */
const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 10);
/**
 * Unthrottled load before each route is timed: PGlite is PostgreSQL compiled to
 * WebAssembly, and its first few thousand queries run before V8 has optimised it.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_SERVER_WARMUP ?? 5);
const READ_RATE = 200;
const READ_TARGET_MS = 50;
/** autocannon's connections for the unthrottled reads. */
const CONNECTIONS = 10;
const SEQUENTIAL_SAVES = 200;
const WRITERS = 4;
const LISTENERS = 50;
const FANOUT_SAVES = 50;
const FANOUT_TARGET_MS = 200;
const PEER = "node:http (peer)";
/** USER_HZ, the unit of /proc's CPU times: 100 on every Linux port in use. */
const CLOCK_TICKS = 100;

interface Route {
  name: string;
  path: string;
}

interface ReadFigures {
  server: string;
  route: string;
  bytes: number;
  paced: { rate: number; p50: number; p99: number; errors: number; lateP99: number };
  max: { rate: number; p50: number; p99: number; errors: number; cpuMs: number };
}

interface SaveFigures {
  server: string;
  how: string;
  rate: number;
  p50: number;
  p99: number;
  conflicts: number;
  requests: number;
}

interface FanoutFigures {
  server: string;
  p50: number;
  p99: number;
  max: number;
  saveP50: number;
  missed: number;
}

const reads: ReadFigures[] = [];
const saves: SaveFigures[] = [];
const fanouts: FanoutFigures[] = [];
const skipped: string[] = [];

const ms = (value: number, decimals = 1) =>
  Number.isFinite(value) ? `${value.toFixed(decimals)} ms` : "n/a";
/** autocannon's histogram holds whole milliseconds: 0 means under one. */
const wholeMs = (value: number) => (value < 1 ? "< 1 ms" : `${value.toFixed(0)} ms`);
const perSecond = (value: number) => `${value.toFixed(0)}/s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const progress = (line: string) => process.stdout.write(`${line}\n`);

/**
 * CPU time (user + system) a process has used, from /proc/<pid>/stat; NaN where there is
 * no /proc. What a request costs the server, whatever else the machine is doing.
 */
function cpuSeconds(pid: number): number {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return Number.NaN;
  // The fields after the command name, which sits in parentheses: utime and stime are 14 and 15.
  const fields = readFileSync(stat, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The demo song, which the first start seeded: the only project the owner is on. */
async function demoProject(
  origin: string,
  cookie: string,
): Promise<{ id: string; currentRevision: number }> {
  const answer = await requestOnce(`${origin}/api/projects`, { headers: { cookie } });
  const { projects } = JSON.parse(answer.body) as {
    projects: { id: string; currentRevision: number }[];
  };
  if (projects.length !== 1) {
    throw new Error(`expected the demo song alone on a new studio, found ${projects.length}`);
  }
  return projects[0]!;
}

async function signIn(
  origin: string,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const answer = await requestOnce(`${origin}/api/session`, {
    method: "POST",
    body: JSON.stringify({ email, password }),
  });
  if (answer.status !== 200) throw new Error(`sign-in failed (${answer.status}): ${answer.body}`);
  return {
    cookie: String(answer.headers["set-cookie"]).split(";")[0]!,
    csrf: (JSON.parse(answer.body) as { csrfToken: string }).csrfToken,
  };
}

async function measureReads(
  server: string,
  pid: number,
  origin: string,
  routes: Route[],
  headers: Record<string, string>,
): Promise<void> {
  for (const route of routes) {
    const url = `${origin}${route.path}`;
    // Warm the JIT and the connection pools before anything is timed.
    await autocannon({ url, headers, connections: CONNECTIONS, duration: WARMUP_SECONDS });
    const paced = await pacedLoad({
      url,
      headers,
      rate: READ_RATE,
      seconds: SECONDS,
      connections: 50,
    });
    const cpuBefore = cpuSeconds(pid);
    const max = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
    const cpu = cpuSeconds(pid) - cpuBefore;
    const sample = await requestOnce(url, { headers });
    reads.push({
      server,
      route: route.name,
      bytes: Buffer.byteLength(sample.body),
      paced: {
        rate: paced.rate,
        p50: percentile(paced.latencies, 50),
        p99: percentile(paced.latencies, 99),
        errors: paced.errors,
        lateP99: percentile(paced.lateness, 99),
      },
      max: {
        rate: max.requests.average,
        p50: max.latency.p50,
        p99: max.latency.p99,
        errors: max.errors + max.timeouts + max.non2xx,
        cpuMs: (1000 * cpu) / max.requests.total,
      },
    });
  }
}

/** Four param.set on the master, different each time so every save changes the document. */
function operationBatch(i: number): unknown[] {
  return [
    { type: "param.set", trackId: "master", path: "faderDb", value: -((i % 12) + 1) / 2 },
    { type: "param.set", trackId: "master", path: "pan", value: ((i % 9) - 4) / 10 },
    { type: "param.set", trackId: "master", path: "trimDb", value: (i % 7) / 4 },
    { type: "param.set", trackId: "master", path: "eq.1.gainDb", value: ((i % 5) - 2) / 2 },
  ];
}

interface Saver {
  /** Saves batch `i` on `base`: the new revision, or the current one a 409 names. */
  save(i: number, base: number): Promise<{ ok: boolean; revision: number; ms: number }>;
  close(): void;
}

function saver(
  origin: string,
  projectId: string,
  session: { cookie: string; csrf: string },
): Saver {
  const agent = keepAliveAgent(1);
  const url = `${origin}/api/projects/${projectId}/revisions`;
  const headers = { cookie: session.cookie, "x-csrf-token": session.csrf };
  return {
    async save(i, base) {
      const answer = await httpRequest(agent, url, {
        method: "POST",
        headers,
        body: JSON.stringify({ baseRevision: base, operations: operationBatch(i) }),
      });
      const body = JSON.parse(answer.body) as { revision?: number; currentRevision?: number };
      if (answer.status === 200) return { ok: true, revision: body.revision!, ms: answer.ms };
      if (answer.status === 409)
        return { ok: false, revision: body.currentRevision!, ms: answer.ms };
      throw new Error(`a save failed (${answer.status}): ${answer.body}`);
    },
    close: () => agent.destroy(),
  };
}

async function currentRevision(
  origin: string,
  projectId: string,
  headers: Record<string, string>,
): Promise<number> {
  const answer = await requestOnce(`${origin}/api/projects/${projectId}`, { headers });
  return (JSON.parse(answer.body) as { currentRevision: number }).currentRevision;
}

async function measureSaves(
  server: string,
  origin: string,
  projectId: string,
  session: { cookie: string; csrf: string },
): Promise<void> {
  let base = await currentRevision(origin, projectId, { cookie: session.cookie });
  const one = saver(origin, projectId, session);
  // Warm-up, untimed: the save path (validation, applying operations, the transaction).
  for (
    let i = 0, until = performance.now() + WARMUP_SECONDS * 1000;
    performance.now() < until;
    i++
  ) {
    base = (await one.save(i, base)).revision;
  }
  const latencies: number[] = [];
  let conflicts = 0;
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL_SAVES; i++) {
    const saved = await one.save(i, base);
    latencies.push(saved.ms);
    if (!saved.ok) conflicts++;
    base = saved.revision;
  }
  const seconds = (performance.now() - started) / 1000;
  one.close();
  saves.push({
    server,
    how: "1 writer, in a loop",
    rate: (SEQUENTIAL_SAVES - conflicts) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    conflicts,
    requests: latencies.length,
  });

  // Writers who each save on the revision they last saw, as collaborators do.
  const all: number[] = [];
  let committed = 0;
  let refused = 0;
  const until = performance.now() + SECONDS * 1000;
  const start = performance.now();
  const first = await currentRevision(origin, projectId, { cookie: session.cookie });
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const writer = saver(origin, projectId, session);
      let seen = first;
      for (let i = w; performance.now() < until; i += WRITERS) {
        const saved = await writer.save(i, seen);
        all.push(saved.ms);
        if (saved.ok) committed++;
        else refused++;
        seen = saved.revision;
      }
      writer.close();
    }),
  );
  saves.push({
    server,
    how: `${WRITERS} writers at once`,
    rate: committed / ((performance.now() - start) / 1000),
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    conflicts: refused,
    requests: all.length,
  });
}

/** Opens the project's feed; resolves when the server says it is subscribed. */
function listen(
  origin: string,
  projectId: string,
  cookie: string,
  onRevision: (revision: number) => void,
): Promise<WebSocket> {
  const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/api/projects/${projectId}/feed`, {
    headers: { cookie },
  });
  return new Promise((resolve, reject) => {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type: string; revision?: number };
      if (message.type === "subscribed") resolve(socket);
      else if (message.type === "revision") onRevision(message.revision!);
    });
    socket.on("error", reject);
    socket.on("close", (code) => reject(new Error(`the feed closed with ${code}`)));
  });
}

async function measureFanout(
  server: string,
  origin: string,
  projectId: string,
  session: { cookie: string; csrf: string },
): Promise<void> {
  // For each revision: how many listeners have seen it, and when the last one did.
  const seen = new Map<number, { count: number; last: number }>();
  const waiting = new Map<number, () => void>();
  const onRevision = (revision: number) => {
    const entry = seen.get(revision) ?? { count: 0, last: 0 };
    entry.count++;
    entry.last = performance.now();
    seen.set(revision, entry);
    if (entry.count === LISTENERS) waiting.get(revision)?.();
  };
  const sockets = await Promise.all(
    Array.from({ length: LISTENERS }, () => listen(origin, projectId, session.cookie, onRevision)),
  );
  const one = saver(origin, projectId, session);
  let base = await currentRevision(origin, projectId, { cookie: session.cookie });
  const spreads: number[] = [];
  const saveTimes: number[] = [];
  let missed = 0;
  for (let i = 0; i < FANOUT_SAVES; i++) {
    const sent = performance.now();
    const saved = await one.save(i, base);
    if (!saved.ok) throw new Error(`a fan-out save met a conflict at revision ${saved.revision}`);
    base = saved.revision;
    saveTimes.push(saved.ms);
    const allSeen = new Promise<boolean>((resolve) => {
      if (seen.get(base)?.count === LISTENERS) return resolve(true);
      const timer = setTimeout(() => resolve(false), 5000);
      waiting.set(base, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (await allSeen) spreads.push(seen.get(base)!.last - sent);
    else missed++;
    // A breath between saves, so each is measured on its own rather than queued behind the last.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  one.close();
  for (const socket of sockets) {
    socket.removeAllListeners("close");
    socket.terminate();
  }
  fanouts.push({
    server,
    p50: percentile(spreads, 50),
    p99: percentile(spreads, 99),
    max: Math.max(...spreads),
    saveP50: percentile(saveTimes, 50),
    missed,
  });
}

/**
 * One database's half: start, sign in, reads, saves, fan-out, stop. The first half also
 * runs the peer's reads, on the bytes its studio answered.
 */
async function benchStudio(server: string, databaseUrl: string | undefined): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "controlroom-bench-server-"));
  let studio: StudioProcess | null = null;
  try {
    progress(`${server}: first start (the owner's account, the demo song) …`);
    studio = await startStudioProcess({ dataDir, databaseUrl, firstStart: true });
    if (studio.ownerPassword === null || studio.ownerEmail === null) {
      throw new Error("the first start did not print the owner's password");
    }
    const session = await signIn(studio.origin, studio.ownerEmail, studio.ownerPassword);
    const project = await demoProject(studio.origin, session.cookie);
    const routes: Route[] = [
      { name: "GET project", path: `/api/projects/${project.id}` },
      {
        name: "GET document",
        path: `/api/projects/${project.id}/revisions/${project.currentRevision}`,
      },
    ];
    progress(`${server}: reads (load average ${load()}) …`);
    await measureReads(server, studio.pid, studio.origin, routes, { cookie: session.cookie });
    if (!reads.some((r) => r.server === PEER)) {
      await benchPeer(studio.origin, routes, session.cookie);
    }
    progress(`${server}: saves …`);
    await measureSaves(server, studio.origin, project.id, session);
    progress(`${server}: fan-out to ${LISTENERS} clients …`);
    await measureFanout(server, studio.origin, project.id, session);
  } finally {
    await studio?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The peer for reads: the same bytes from bare node:http in its own process. */
async function benchPeer(origin: string, routes: Route[], cookie: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "controlroom-bench-peer-"));
  const bodies: Record<string, string> = {};
  for (const route of routes) {
    bodies[route.path] = (
      await requestOnce(`${origin}${route.path}`, { headers: { cookie } })
    ).body;
  }
  await writeFile(path.join(dir, "bodies.json"), JSON.stringify(bodies));
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "bench", "plain-json-server.ts"), path.join(dir, "bodies.json")],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        const match = /listening on (\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`the peer exited (${code})`)));
    });
    progress(`peer: reads (load average ${load()}) …`);
    await measureReads(PEER, child.pid!, `http://127.0.0.1:${port}`, routes, { cookie });
  } finally {
    child.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(machineLine());
console.log(`load average at the start: ${load()} (1, 5, 15 min)`);
console.log(
  `peer for reads: bare node:http answering the same bytes from memory, in its own process`,
);

const postgres = await benchPostgres();
const halves: { server: string; url: string | undefined }[] = [
  { server: "PGlite", url: undefined },
];
if (typeof postgres === "string") {
  skipped.push(`the PostgreSQL half is skipped: ${postgres}`);
} else {
  console.log(`PostgreSQL: ${postgres.description}`);
  halves.push({ server: "PostgreSQL", url: postgres.url });
}

try {
  for (const half of halves) await benchStudio(half.server, half.url);
} finally {
  if (typeof postgres !== "string") await postgres.remove();
}

printReport();

function printReport(): void {
  const peerOf = (route: string) => reads.find((r) => r.server === PEER && r.route === route);
  console.log("");
  console.log(
    `reads at ${READ_RATE} requests/s, paced (one request every ${1000 / READ_RATE} ms, timed from when it was due, so "sent late" is in the latency), ${SECONDS} s each; target p99 < ${READ_TARGET_MS} ms`,
  );
  console.log(
    table(
      [
        "server",
        "route",
        "bytes",
        "rate",
        "p50",
        "p99",
        "errors",
        "sent late p99",
        "p99 ÷ peer",
        "target",
      ],
      reads.map((r) => {
        const peer = peerOf(r.route);
        return [
          r.server,
          r.route,
          String(r.bytes),
          perSecond(r.paced.rate),
          ms(r.paced.p50),
          ms(r.paced.p99),
          String(r.paced.errors),
          ms(r.paced.lateP99),
          peer && r.server !== PEER ? `${(r.paced.p99 / peer.paced.p99).toFixed(1)}×` : "",
          r.server === PEER
            ? ""
            : r.paced.p99 < READ_TARGET_MS && r.paced.errors === 0
              ? "PASS"
              : "FAIL",
        ];
      }),
    ),
  );
  console.log("");
  console.log(
    `reads unthrottled: autocannon, ${CONNECTIONS} connections, ${SECONDS} s each, after ${WARMUP_SECONDS} s of warm-up; CPU is the server process's own (PostgreSQL's processes are not in it)`,
  );
  console.log(
    table(
      [
        "server",
        "route",
        "requests/s",
        "p50",
        "p99",
        "errors",
        "server CPU/request",
        "rate ÷ peer",
      ],
      reads.map((r) => {
        const peer = peerOf(r.route);
        return [
          r.server,
          r.route,
          perSecond(r.max.rate),
          wholeMs(r.max.p50),
          wholeMs(r.max.p99),
          String(r.max.errors),
          ms(r.max.cpuMs, 2),
          peer && r.server !== PEER ? `${(r.max.rate / peer.max.rate).toFixed(2)}×` : "",
        ];
      }),
    ),
  );
  console.log("");
  console.log(
    `saves: POST revisions with 4 param.set on the master; a 409 (stale base) is retried on the revision it names`,
  );
  console.log(
    table(
      ["server", "writers", "saves/s", "p50", "p99", "requests", "409s"],
      saves.map((s) => [
        s.server,
        s.how,
        perSecond(s.rate),
        ms(s.p50),
        ms(s.p99),
        String(s.requests),
        String(s.conflicts),
      ]),
    ),
  );
  console.log("");
  console.log(
    `fan-out: ${LISTENERS} WebSocket clients on the feed, ${FANOUT_SAVES} saves one after another; time from sending a save until all ${LISTENERS} have seen it; target < ${FANOUT_TARGET_MS} ms`,
  );
  console.log(
    table(
      ["server", "p50", "p99", "max", "save alone p50", "not seen in 5 s", "target"],
      fanouts.map((f) => [
        f.server,
        ms(f.p50),
        ms(f.p99),
        ms(f.max),
        ms(f.saveP50),
        String(f.missed),
        f.max < FANOUT_TARGET_MS && f.missed === 0 ? "PASS" : "FAIL",
      ]),
    ),
  );
  for (const line of skipped) console.log(line);
  console.log(`load average at the end: ${load()} (1, 5, 15 min)`);
}
