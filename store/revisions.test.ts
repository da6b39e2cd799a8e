import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "./accounts.ts";
import type { ProjectRecord } from "./projects.ts";
import { RevisionConflictError } from "./revisions.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";
import { edit, firstDocument, refusal, someAccount } from "./test-support/documents.ts";

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`revisions on ${database.name}`, () => {
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

    it("creates a project at revision 1 with its owner as producer", async () => {
      expect(project.currentRevision).toBe(1);
      const first = await store.loadRevision(project.id);
      expect(first).toMatchObject({
        number: 1,
        parent: null,
        authorId: producer.id,
        operations: [],
      });
      expect(first.document).toEqual(firstDocument());
      expect(await store.memberRole(project.id, producer.id)).toBe("producer");
    });

    it("keeps each save as a new revision with its author, time and operations", async () => {
      const engineer = await someAccount(store, "Engineer");
      const second = edit(firstDocument(), "Night Drive (demo)");
      const third = edit(second.document, "Night Drive (mix 1)");
      expect(
        await store.saveRevision(project.id, { baseRevision: 1, author: producer.id, ...second }),
      ).toBe(2);
      expect(
        await store.saveRevision(project.id, { baseRevision: 2, author: engineer.id, ...third }),
      ).toBe(3);

      const loaded = await store.loadRevision(project.id);
      expect(loaded).toMatchObject({ number: 3, parent: 2, authorId: engineer.id });
      expect(loaded.document).toEqual(third.document);
      expect(loaded.operations).toEqual(third.operations);
      expect(loaded.createdAt).toBeInstanceOf(Date);
      expect((await store.loadRevision(project.id, 2)).document.song.title).toBe(
        "Night Drive (demo)",
      );
      const history = await store.listRevisions(project.id);
      expect(history.map((r) => [r.number, r.parent, r.authorId, r.operationCount])).toEqual([
        [1, null, producer.id, 0],
        [2, 1, producer.id, 1],
        [3, 2, engineer.id, 1],
      ]);
      expect((await store.listRevisions(project.id, "newest first")).map((r) => r.number)).toEqual([
        3, 2, 1,
      ]);
    });

    it("refuses a stale save with E_STORE_CONFLICT naming the current revision", async () => {
      const mine = edit(firstDocument(), "mine");
      const theirs = edit(firstDocument(), "theirs");
      await store.saveRevision(project.id, { baseRevision: 1, author: producer.id, ...theirs });
      const error = await refusal(
        store.saveRevision(project.id, { baseRevision: 1, author: producer.id, ...mine }),
      );
      expect(error).toBeInstanceOf(RevisionConflictError);
      expect(error.code).toBe("E_STORE_CONFLICT");
      expect(error.message).toContain("revision 2");
      expect((error as RevisionConflictError).currentRevision).toBe(2);
      expect((await store.loadRevision(project.id)).document.song.title).toBe("theirs");
    });

    it("refuses a save on a revision that does not exist yet", async () => {
      const error = await refusal(
        store.saveRevision(project.id, {
          baseRevision: 5,
          author: producer.id,
          ...edit(firstDocument(), "ahead"),
        }),
      );
      expect(error).toMatchObject({ code: "E_STORE_CONFLICT", currentRevision: 1 });
    });

    it("lets exactly one of two clients saving on the same base win, and loses no revision", async () => {
      const other = await opened.openClient();
      const engineer = await someAccount(store, "Engineer");
      let base = 1;
      for (let round = 0; round < 8; round++) {
        const results = await Promise.allSettled([
          store.saveRevision(project.id, {
            baseRevision: base,
            author: producer.id,
            ...edit(firstDocument(), `producer ${round}`),
          }),
          other.saveRevision(project.id, {
            baseRevision: base,
            author: engineer.id,
            ...edit(firstDocument(), `engineer ${round}`),
          }),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r) => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const winner = (won[0] as PromiseFulfilledResult<number>).value;
        expect(winner).toBe(base + 1);
        const conflict = (lost[0] as PromiseRejectedResult).reason as RevisionConflictError;
        expect(conflict.code).toBe("E_STORE_CONFLICT");
        expect(conflict.currentRevision).toBe(winner);
        base = winner;
      }
      const history = await store.listRevisions(project.id);
      expect(history.map((r) => r.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(history.slice(1).every((r) => r.parent === r.number - 1)).toBe(true);
      expect((await store.findProject(project.id))?.currentRevision).toBe(9);
    });

    it("restores an old revision as a new one whose document equals it", async () => {
      const second = edit(firstDocument(), "second");
      await store.saveRevision(project.id, { baseRevision: 1, author: producer.id, ...second });
      await store.saveRevision(project.id, {
        baseRevision: 2,
        author: producer.id,
        ...edit(second.document, "third"),
      });
      expect(await store.restoreRevision(project.id, 1, producer.id, 3)).toBe(4);
      const restored = await store.loadRevision(project.id);
      expect(restored).toMatchObject({ number: 4, parent: 3, restoredFrom: 1, operations: [] });
      expect(restored.document).toEqual((await store.loadRevision(project.id, 1)).document);
      expect((await store.listRevisions(project.id)).map((r) => r.number)).toEqual([1, 2, 3, 4]);
    });

    it("refuses a restore on a stale base, and a restore of a revision that does not exist", async () => {
      await store.saveRevision(project.id, {
        baseRevision: 1,
        author: producer.id,
        ...edit(firstDocument(), "second"),
      });
      expect(await refusal(store.restoreRevision(project.id, 1, producer.id, 1))).toMatchObject({
        code: "E_STORE_CONFLICT",
        currentRevision: 2,
      });
      expect(await refusal(store.restoreRevision(project.id, 7, producer.id, 2))).toMatchObject({
        code: "E_STORE_REVISION_MISSING",
      });
      expect((await store.findProject(project.id))?.currentRevision).toBe(2);
    });

    it("refuses an invalid document or operation and stores nothing", async () => {
      const broken = { ...firstDocument(), tracks: [{ id: "vox" }] };
      const schema = await refusal(
        store.saveRevision(project.id, {
          baseRevision: 1,
          author: producer.id,
          document: broken,
          operations: [],
        }),
      );
      expect(schema.code).toBe("E_PROJECT_SCHEMA");
      expect(schema.message).toContain("tracks.0");
      const ops = await refusal(
        store.saveRevision(project.id, {
          baseRevision: 1,
          author: producer.id,
          document: firstDocument(),
          operations: [{ type: "clip.teleport" }],
        }),
      );
      expect(ops).toMatchObject({ code: "E_STORE_OPERATIONS" });
      expect(ops.subject).toMatch(/^operations\.0/);
      expect((await store.listRevisions(project.id)).map((r) => r.number)).toEqual([1]);
    });

    it("names what is missing: a project, a revision, an author, an id", async () => {
      const nowhere = "00000000-0000-4000-8000-000000000000";
      expect(await refusal(store.loadRevision(nowhere))).toMatchObject({
        code: "E_STORE_PROJECT_MISSING",
      });
      expect(await refusal(store.loadRevision(project.id, 2))).toMatchObject({
        code: "E_STORE_REVISION_MISSING",
        message: `project ${project.id} has no revision 2`,
      });
      expect(
        await refusal(
          store.saveRevision(project.id, {
            baseRevision: 1,
            author: nowhere,
            document: firstDocument(),
            operations: [],
          }),
        ),
      ).toMatchObject({ code: "E_STORE_ACCOUNT_MISSING", subject: "author" });
      expect(await refusal(store.loadRevision("project-1"))).toMatchObject({
        code: "E_STORE_ID",
        subject: "projectId",
      });
      expect(await refusal(store.loadRevision(project.id, 0))).toMatchObject({
        code: "E_STORE_REVISION_NUMBER",
      });
    });
  });
}
