import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "./accounts.ts";
import type { AuditRecord } from "./audit.ts";
import type { ProjectRecord } from "./projects.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";
import { edit, firstDocument, refusal, someAccount } from "./test-support/documents.ts";

const at = "2026-03-01T10:00:00.000Z";

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`the audit log on ${database.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let producer: Account;
    let project: ProjectRecord;
    const entry = (event: string, detail: unknown = {}): AuditRecord => ({
      at,
      actorId: producer.id,
      projectId: project.id,
      event,
      subject: null,
      outcome: "done",
      address: "127.0.0.1",
      detail,
    });

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

    it("reads a project's entries newest first, a page at a time", async () => {
      for (let i = 1; i <= 5; i++) await store.recordAudit(entry(`event.${i}`, { i }));
      await store.recordAudit({ ...entry("elsewhere"), projectId: null });
      const first = await store.listAudit(project.id, { limit: 3 });
      expect(first.map((e) => e.event)).toEqual(["event.5", "event.4", "event.3"]);
      const rest = await store.listAudit(project.id, { limit: 3, before: first[2].id });
      expect(rest.map((e) => e.detail)).toEqual([{ i: 2 }, { i: 1 }]);
      expect(rest[0]).toMatchObject({ actorId: producer.id, projectId: project.id });
    });

    it("writes a save's entry with the revision, and none for a save that was refused", async () => {
      const saved = edit(firstDocument(), "Night Drive (demo)");
      const save = () =>
        store.saveRevision(project.id, { baseRevision: 1, author: producer.id, ...saved }, (n) =>
          entry("revision.saved", { revision: n }),
        );
      expect(await save()).toBe(2);
      expect((await refusal(save())).code).toBe("E_STORE_CONFLICT");
      expect(
        await store.restoreRevision(project.id, 1, producer.id, 2, (n) =>
          entry("revision.restored", { revision: n, restoredFrom: 1 }),
        ),
      ).toBe(3);
      const log = await store.listAudit(project.id, { limit: 10 });
      expect(log.map((e) => [e.event, e.detail])).toEqual([
        ["revision.restored", { revision: 3, restoredFrom: 1 }],
        ["revision.saved", { revision: 2 }],
      ]);
    });

    it("writes an upload's entry with the file, and none for an upload that was refused", async () => {
      const bytes = new TextEncoder().encode(`take ${project.id}`);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      await store.putFile(project.id, "audio/take.wav", bytes, {
        mediaType: "audio/wav",
        addedBy: producer.id,
        audit: (blob) => entry("file.uploaded", { name: "audio/take.wav", ...blob }),
      });
      const refused = await refusal(
        store.putFile(project.id, "audio/other.wav", bytes, {
          mediaType: "audio/wav",
          expectedSha256: "0".repeat(64),
          audit: () => entry("file.uploaded", { name: "audio/other.wav" }),
        }),
      );
      expect(refused.code).toBe("E_BLOB_HASH_MISMATCH");
      const log = await store.listAudit(project.id, { limit: 10 });
      expect(log.map((e) => e.detail)).toEqual([
        { name: "audio/take.wav", sha256, size: bytes.length },
      ]);
    });

    it("rolls the change back when its entry cannot be written", async () => {
      const saved = edit(firstDocument(), "never kept");
      await expect(
        store.saveRevision(project.id, { baseRevision: 1, author: producer.id, ...saved }, () => ({
          ...entry("revision.saved"),
          actorId: "00000000-0000-4000-8000-000000000000",
        })),
      ).rejects.toThrow();
      expect((await store.loadRevision(project.id)).number).toBe(1);
      expect(await store.listAudit(project.id, { limit: 10 })).toEqual([]);
    });
  });
}
