import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "./accounts.ts";
import { readBlob } from "./blob-store.ts";
import type { FolderBlobStore } from "./node/folder-blob-store.ts";
import type { ProjectRecord } from "./projects.ts";
import { blobs as blobRows } from "./schema.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";
import { firstDocument, refusal, someAccount } from "./test-support/documents.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`project files on ${database.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let producer: Account;
    let project: ProjectRecord;

    beforeAll(async () => {
      opened = await database.open();
      store = opened.store;
    });
    afterAll(() => opened.cleanup());

    beforeEach(async () => {
      producer = await someAccount(store);
      project = await store.createProject({
        title: "Night Drive",
        owner: producer.id,
        document: firstDocument(),
      });
    });

    it("stores a file's bytes under their SHA-256 and lists it with size and type", async () => {
      const take = text(`vocal take ${project.id}`);
      const stored = await store.putFile(project.id, "audio/vocals.wav", take, {
        mediaType: "audio/wav",
        expectedSha256: sha256(take),
        addedBy: producer.id,
      });
      expect(stored).toEqual({ sha256: sha256(take), size: take.length });
      const files = await store.listFiles(project.id);
      expect(files).toMatchObject([
        {
          name: "audio/vocals.wav",
          sha256: sha256(take),
          size: take.length,
          mediaType: "audio/wav",
        },
      ]);
      expect(await readBlob(store.blobs, files[0].sha256)).toEqual(take);
      expect(await store.checkBlobs()).toMatchObject({ missing: [] });
    });

    it("points a name at new bytes when the file is saved again, keeping the old blob", async () => {
      const first = text(`first ${project.id}`);
      const second = text(`second ${project.id}`);
      await store.putFile(project.id, "audio/bass.wav", first, { mediaType: "audio/wav" });
      await store.putFile(project.id, "audio/bass.wav", second, { mediaType: "audio/wav" });
      expect((await store.findFile(project.id, "audio/bass.wav"))?.sha256).toBe(sha256(second));
      expect(await store.blobs.has(sha256(first))).toBe(true);
    });

    it("refuses an upload that does not match its hash, recording nothing", async () => {
      const sent = text(`corrupted on the way ${project.id}`);
      const error = await refusal(
        store.putFile(project.id, "audio/gtr.wav", sent, {
          mediaType: "audio/wav",
          expectedSha256: sha256(text("what the client meant")),
        }),
      );
      expect(error.code).toBe("E_BLOB_HASH_MISMATCH");
      expect(await store.listFiles(project.id)).toEqual([]);
      expect(await store.blobs.has(sha256(sent))).toBe(false);
    });

    it("refuses names that could leave the project or that no file system takes", async () => {
      const names: [string, string][] = [
        ["../secrets", "climbs with . or .."],
        ["audio/./x.wav", "climbs with . or .."],
        ["/etc/passwd", "is an absolute path"],
        ["C:/boot.ini", "names a drive"],
        ["audio//x.wav", "has an empty part between slashes"],
        ["audio/", "has an empty part between slashes"],
        ["a\\b", "contains a backslash"],
        ["", "is empty"],
        ["a\nb", "contains a control character"],
        ["a\u0000b", "contains a control character"],
        [`audio/${"x".repeat(256)}.wav`, "has a part longer than 255 characters"],
        ["a/".repeat(300), "is 600 characters long, more than 512"],
      ];
      for (const [name, why] of names) {
        const error = await refusal(
          store.putFile(project.id, name, text("x"), { mediaType: "text/plain" }),
        );
        expect(error).toMatchObject({ code: "E_STORE_FILE_NAME", subject: "name" });
        expect(error.message).toContain(why);
      }
      expect(await store.listFiles(project.id)).toEqual([]);
    });

    it("finds a recorded blob whose bytes are gone", async () => {
      const data = text(`soon lost ${project.id}`);
      await store.putFile(project.id, "lost.txt", data, { mediaType: "text/plain" });
      await rm((store.blobs as FolderBlobStore).pathOf(sha256(data)));
      expect((await store.checkBlobs()).missing).toContain(sha256(data));
      await store.db.insert(blobRows).values({ sha256: "0".repeat(64), size: 1, mediaType: "x" });
      expect((await store.checkBlobs()).missing).toContain("0".repeat(64));
    });

    it("keeps blobs in <dataDir>/blobs by default", () => {
      expect((store.blobs as FolderBlobStore).root).toBe(
        path.join(path.resolve(opened.options.dataDir!), "blobs"),
      );
    });
  });
}
