import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ProjectEvent } from "./events.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`project events on ${database.name}`, () => {
    let opened: OpenedStore;
    let other: Store;

    beforeAll(async () => {
      opened = await database.open();
      other = await opened.openClient();
    });
    afterAll(() => opened.cleanup());

    const event = (revision: number): ProjectEvent => ({
      type: "revision",
      projectId: "7b0e8f3e-5b6a-4d8e-9c1a-2f3b4c5d6e7f",
      revision,
      author: "someone",
      operations: 2,
    });

    it("reach every listener of the database, on another client too, in order", async () => {
      const heard: ProjectEvent[] = [];
      const stop = await other.onEvents((e) => heard.push(e));
      for (let revision = 2; revision <= 6; revision++) {
        await opened.store.publishEvent(event(revision));
      }
      await vi.waitFor(
        () =>
          expect(heard.map((e) => e.type === "revision" && e.revision)).toEqual([2, 3, 4, 5, 6]),
        {
          timeout: 10_000,
        },
      );
      await stop();
      await opened.store.publishEvent(event(7));
      await opened.store.publishEvent(event(8));
      // Nothing is heard after stopping, and a new listener hears only what comes after it.
      const later: ProjectEvent[] = [];
      const stopLater = await other.onEvents((e) => later.push(e));
      await opened.store.publishEvent(event(9));
      await vi.waitFor(() => expect(later).toHaveLength(1), { timeout: 10_000 });
      expect(heard).toHaveLength(5);
      await stopLater();
    });

    it("ignore payloads on the channel that are not events", async () => {
      const heard: ProjectEvent[] = [];
      const stop = await other.onEvents((e) => heard.push(e));
      await opened.store.db.execute("SELECT pg_notify('controlroom_events', 'not json')");
      await opened.store.db.execute(`SELECT pg_notify('controlroom_events', '{"type":"other"}')`);
      await opened.store.publishEvent(event(10));
      await vi.waitFor(() => expect(heard).toHaveLength(1), { timeout: 10_000 });
      expect(heard[0]).toMatchObject({ revision: 10 });
      await stop();
    });
  });
}
