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

    it("never points a name at other bytes, and takes the same bytes again as a no-op", async () => {
      const first = text(`first ${project.id}`);
      const second = text(`second ${project.id}`);
      await store.putFile(project.id, "audio/bass.wav", first, { mediaType: "audio/wav" });
      const again = await store.putFile(project.id, "audio/bass.wav", first, {
        mediaType: "audio/wav",
      });
      expect(again.sha256).toBe(sha256(first));
      const error = await refusal(
        store.putFile(project.id, "audio/bass.wav", second, { mediaType: "audio/wav" }),
      );
      expect(error).toMatchObject({ code: "E_FILE_EXISTS", subject: "audio/bass.wav" });
      expect((await store.findFile(project.id, "audio/bass.wav"))?.sha256).toBe(sha256(first));
    });

    it("keeps what an audio file holds with its blob, and lists it", async () => {
      const audio = {
        codec: "wav",
        sampleRate: 44_100,
        channels: 2,
        frames: 88_200,
        durationSeconds: 2,
      };
      await store.putFile(project.id, "audio/keys.wav", text(`keys ${project.id}`), {
        mediaType: "audio/wav",
        audio,
      });
      await store.putFile(project.id, "notes.txt", text("notes"), { mediaType: "text/plain" });
      expect(await store.findFile(project.id, "audio/keys.wav")).toMatchObject({ audio });
      expect(await store.findFile(project.id, "notes.txt")).toMatchObject({ audio: null });
    });

    it("deletes a file no revision plays, and keeps one that any revision ever played", async () => {
      await store.putFile(project.id, "audio/spare.wav", text(`spare ${project.id}`), {
        mediaType: "audio/wav",
      });
      await store.putFile(project.id, "audio/lead.wav", text(`lead ${project.id}`), {
        mediaType: "audio/wav",
      });
      const played = {
        ...firstDocument(),
        sources: [
          { id: "lead", file: "audio/lead.wav", sampleRate: 48_000, channels: 1, frames: 10 },
        ],
      };
      await store.saveRevision(project.id, {
        baseRevision: 1,
        author: producer.id,
        document: played,
        operations: [],
      });
      // Revision 3 no longer plays it; revision 2 still does, forever.
      await store.saveRevision(project.id, {
        baseRevision: 2,
        author: producer.id,
        document: firstDocument(),
        operations: [],
      });
      const inUse = await refusal(store.deleteFile(project.id, "audio/lead.wav"));
      expect(inUse).toMatchObject({ code: "E_FILE_IN_USE", subject: "audio/lead.wav" });
      expect(inUse.message).toContain("revision 2");
      await store.deleteFile(project.id, "audio/spare.wav");
      expect((await store.listFiles(project.id)).map((f) => f.name)).toEqual(["audio/lead.wav"]);
      const gone = await refusal(store.deleteFile(project.id, "audio/spare.wav"));
      expect(gone.code).toBe("E_FILE_NOT_FOUND");
    });

    it("counts distinct bytes against the quota, refusing what would pass it", async () => {
      const take = text(`a take of 30 bytes ${project.id}`.slice(0, 30));
      await store.putFile(project.id, "audio/a.wav", take, {
        mediaType: "audio/wav",
        quotaBytes: 40,
      });
      // The same bytes under another name cost nothing more.
      await store.putFile(project.id, "audio/b.wav", take, {
        mediaType: "audio/wav",
        quotaBytes: 40,
      });
      expect(await store.storageUsed(project.id)).toBe(30);
      const error = await refusal(
        store.putFile(project.id, "audio/c.wav", text("x".repeat(11)), {
          mediaType: "audio/wav",
          quotaBytes: 40,
        }),
      );
      expect(error).toMatchObject({ code: "E_QUOTA_EXCEEDED", subject: "audio/c.wav" });
      expect(error.message).toBe(
        "audio/c.wav needs 11 bytes, but the project uses 30 bytes of its 40 bytes quota (10 bytes free); nothing was kept",
      );
      expect(await store.findFile(project.id, "audio/c.wav")).toBeUndefined();
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
