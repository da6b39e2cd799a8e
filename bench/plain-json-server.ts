#!/usr/bin/env node
/**
 * The server benchmark's peer for reads: bare node:http answering each path with bytes
 * held in memory, the same bytes the studio answered. No routing table, session, role
 * check, database or serialiser, so what the studio costs beyond it is the framework and
 * the store. Run as its own process, as the studio is:
 *   node bench/plain-json-server.ts <bodies.json>   ({"/path": "body", …})
 * It prints `listening on <port>` when it is ready.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: plain-json-server.ts <bodies.json>");
  process.exit(2);
}
const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>).map(
    ([url, body]) => [url, Buffer.from(body)],
  ),
);

const server = createServer((request, response) => {
  const body = bodies.get(request.url ?? "");
  if (body === undefined) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": body.length,
  });
  response.end(body);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening on ${typeof address === "object" && address ? address.port : 0}`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
