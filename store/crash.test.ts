import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readBlob } from "./blob-store.ts";
import type { FolderBlobStore } from "./node/folder-blob-store.ts";
import { openStore, type StoreOptions } from "./node/open-store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";
import { edit } from "./test-support/documents.ts";

const WRITER = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "test-support",
  "crash-writer.ts",
);

/** Runs the writer until it prints `killAt`, then kills it with SIGKILL; returns its lines. */
function runAndKill(options: StoreOptions, killAt: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let pending = "";
    let stderr = "";
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (data: string) => {
      pending += data;
      const complete = pending.split("\n");
      pending = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        if (line === killAt && !killed) {
          killed = child.kill("SIGKILL");
        }
      }
    });
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve(lines);
      else reject(new Error(`the writer stopped by itself before "${killAt}":\n${stderr}`));
    });
  });
}

const last = (lines: string[], verb: string) =>
  Math.max(0, ...lines.filter((l) => l.startsWith(`${verb} `)).map((l) => Number(l.split(" ")[1])));

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`a writer killed with SIGKILL on ${database.name}`, () => {
    let opened: OpenedStore;
    beforeEach(async () => {
      opened = await database.open();
      // The writer opens the database itself; PGlite is one process's at a time.
      await opened.store.close();
    });
    afterEach(() => opened.cleanup());

    /** Reopens after the kill and checks everything the acceptance criteria name. */
    async function expectConsistent(lines: string[]) {
      const projectId = lines.find((l) => l.startsWith("project "))!.split(" ")[1];
      opened.store = await openStore(opened.options);
      const store = opened.store;

      // The last committed revision loads and parses; no committed revision is lost.
      const current = await store.loadRevision(projectId);
      expect(current.number).toBeGreaterThanOrEqual(last(lines, "saved"));
      expect(current.number).toBeLessThanOrEqual(last(lines, "saving"));
      expect(current.document.song.title).toBe(`take ${current.number}`);
      expect((await store.listRevisions(projectId)).map((r) => r.number)).toEqual(
        Array.from({ length: current.number }, (_, i) => i + 1),
      );

      // Every blob row has its bytes, and every file's blob is there and hashes to its key.
      expect(await store.checkBlobs()).toMatchObject({ missing: [] });
      const files = await store.listFiles(projectId);
      expect(files.length).toBeGreaterThanOrEqual(last(lines, "uploaded"));
      for (const file of files) {
        expect(sha256(await readBlob(store.blobs, file.sha256))).toBe(file.sha256);
      }
      // Nothing half-written sits under a key: a dying upload leaves only tmp/.
      const root = (store.blobs as FolderBlobStore).root;
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || path.basename(entry.parentPath) === "tmp") continue;
        const bytes = await readFile(path.join(entry.parentPath, entry.name));
        expect(sha256(bytes)).toBe(entry.name);
      }

      // And the store goes on: the next save lands on the recovered revision.
      const next = edit(current.document, "after the crash");
      expect(
        await store.saveRevision(projectId, {
          baseRevision: current.number,
          author: current.authorId,
          ...next,
        }),
      ).toBe(current.number + 1);
    }

    it("keeps the last committed revision when killed in the middle of a save", async () => {
      const lines = await runAndKill(opened.options, "saving 6");
      expect(last(lines, "saved")).toBeGreaterThanOrEqual(5);
      await expectConsistent(lines);
    });

    it("references no blob that is missing when killed in the middle of an upload", async () => {
      const lines = await runAndKill(opened.options, "halfway 4");
      expect(last(lines, "uploaded")).toBeGreaterThanOrEqual(3);
      await expectConsistent(lines);
    });
  });
}
