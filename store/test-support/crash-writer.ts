/**
 * The process the crash tests kill: opens a store, then saves revisions and uploads files
 * in a loop until it is killed, saying on stdout what it is doing before and after each step.
 *
 *   node store/test-support/crash-writer.ts '<StoreOptions as JSON>'
 *
 * Lines: `project <id>`, `saving <n>`, `saved <n>`, `uploading <i>`, `halfway <i>`,
 * `uploaded <i> <sha256>`.
 */
import { randomBytes } from "node:crypto";
import { setImmediate } from "node:timers/promises";
import { openStore, type StoreOptions } from "../node/open-store.ts";
import { edit, firstDocument, someAccount } from "./documents.ts";

const UPLOAD_BYTES = 2 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function* upload(take: number): AsyncIterable<Uint8Array> {
  for (let sent = 0; sent < UPLOAD_BYTES; sent += CHUNK_BYTES) {
    if (sent === UPLOAD_BYTES / 2) say(`halfway ${take}`);
    yield randomBytes(CHUNK_BYTES);
    await setImmediate();
  }
}

const options = JSON.parse(process.argv[2]) as StoreOptions;
const store = await openStore(options);
const producer = await someAccount(store);
const project = await store.createProject({
  title: "Crash test",
  owner: producer.id,
  document: firstDocument("take 1"),
});
say(`project ${project.id}`);

let document = firstDocument("take 1");
for (let revision = 2, take = 1; ; revision++, take++) {
  say(`saving ${revision}`);
  const next = edit(document, `take ${revision}`);
  await store.saveRevision(project.id, {
    baseRevision: revision - 1,
    author: producer.id,
    ...next,
  });
  document = next.document;
  say(`saved ${revision}`);

  say(`uploading ${take}`);
  const blob = await store.putFile(project.id, `takes/take-${take}.raw`, upload(take), {
    mediaType: "application/octet-stream",
    addedBy: producer.id,
  });
  say(`uploaded ${take} ${blob.sha256}`);
}
