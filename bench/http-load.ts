/**
 * Load for the server benchmark that autocannon does not give: requests at a steady rate
 * and requests that depend on the previous answer (a save needs the revision the last one
 * made), over keep-alive connections, with latencies in milliseconds.
 *
 * autocannon's `overallRate` sends each connection's share of a second back to back at the
 * start of the second and then waits, so 200 requests/s is a burst of 200 every second,
 * and its correction for coordinated omission assumes a 1 ms interval. `pacedLoad` sends
 * one request every 1/rate seconds instead, whether or not earlier ones have answered, and
 * times each from the moment it was due, as wrk2 does: a stall in the server shows up in
 * the latencies of every request that waited for it.
 */
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import { performance } from "node:perf_hooks";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** One keep-alive connection pool per load, so connecting is not what is measured. */
export function keepAliveAgent(connections: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections });
}

export function httpRequest(
  agent: Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
  startedAt = performance.now(),
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const sent = request(
      url,
      {
        agent,
        method: options.method ?? "GET",
        headers: {
          ...options.headers,
          ...(body ? { "content-type": "application/json", "content-length": body.length } : {}),
        },
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - startedAt,
          }),
        );
        response.on("error", reject);
      },
    );
    sent.on("timeout", () => sent.destroy(new Error(`${url} did not answer in 30 s`)));
    sent.on("error", reject);
    sent.end(body);
  });
}

/** One request on a connection of its own, closed afterwards. */
export async function requestOnce(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const agent = keepAliveAgent(1);
  try {
    return await httpRequest(agent, url, options);
  } finally {
    agent.destroy();
  }
}

export interface PacedResult {
  /** Requests sent and answered 2xx per second of the run. */
  rate: number;
  /** Latencies of the 2xx answers, from when each request was due. */
  latencies: number[];
  /** Answers that were not 2xx, and requests that failed outright. */
  errors: number;
  /**
   * How late each request left, behind its due time: the load generator's own delay (its
   * timers, or a machine too busy to run it), which the latencies include.
   */
  lateness: number[];
}

/** GETs `url` at `rate` per second for `seconds`, open loop. */
export async function pacedLoad(options: {
  url: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  connections: number;
}): Promise<PacedResult> {
  const agent = keepAliveAgent(options.connections);
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const lateness: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lateness.push(performance.now() - due);
    pending.push(
      // From when it was due, or from when it left if a timer fired a little early (timers
      // round to the millisecond), so no latency reads below zero.
      httpRequest(
        agent,
        options.url,
        { headers: options.headers },
        Math.min(due, performance.now()),
      ).then(
        (answer) => {
          if (answer.status >= 200 && answer.status < 300) latencies.push(answer.ms);
          else errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { rate: latencies.length / elapsed, latencies, errors, lateness };
}

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
