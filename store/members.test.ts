import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "./accounts.ts";
import type { AuditRecord } from "./audit.ts";
import type { ProjectRecord } from "./projects.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";
import { firstDocument, refusal, someAccount } from "./test-support/documents.ts";

const at = "2026-03-01T10:00:00.000Z";

function entry(actorId: string, projectId: string, event: string, detail: unknown): AuditRecord {
  return {
    at,
    actorId,
    projectId,
    event,
    subject: null,
    outcome: "done",
    address: "127.0.0.1",
    detail,
  };
}

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`members on ${database.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let producer: Account;
    let engineer: Account;
    let project: ProjectRecord;

    beforeAll(async () => {
      opened = await database.open();
      store = opened.store;
    });
    afterAll(() => opened.cleanup());

    beforeEach(async () => {
      producer = await someAccount(store, "Producer");
      engineer = await someAccount(store, "Engineer");
      project = await store.createProject({
        title: "Night Drive",
        owner: producer.id,
        document: firstDocument(),
      });
      await store.setMemberRole(project.id, engineer.id, "engineer");
    });

    it("lists a project's members with their roles, producers first", async () => {
      const viewer = await someAccount(store, "Aaron");
      await store.setMemberRole(project.id, viewer.id, "viewer");
      const members = await store.listMembers(project.id);
      expect(members.map((m) => [m.accountId, m.role, m.displayName])).toEqual([
        [producer.id, "producer", "Producer"],
        [engineer.id, "engineer", "Engineer"],
        [viewer.id, "viewer", "Aaron"],
      ]);
      expect(members[0].email).toBe(producer.email);
    });

    it("lists the projects an account is on with its role on each, and no others", async () => {
      const other = await store.createProject({
        title: "A Side Project",
        owner: engineer.id,
        document: firstDocument("A Side Project"),
      });
      expect(await store.listAccountProjects(engineer.id)).toEqual([
        { id: other.id, title: "A Side Project", currentRevision: 1, role: "producer" },
        { id: project.id, title: "Night Drive", currentRevision: 1, role: "engineer" },
      ]);
      expect((await store.listAccountProjects(producer.id)).map((p) => p.id)).toEqual([project.id]);
    });

    it("changes a member's role and writes the audit entry with it", async () => {
      const before = await store.changeMemberRole(project.id, engineer.id, "viewer", (previous) =>
        entry(producer.id, project.id, "member.role-changed", { from: previous, to: "viewer" }),
      );
      expect(before).toBe("engineer");
      expect(await store.memberRole(project.id, engineer.id)).toBe("viewer");
      const [logged] = await store.listAudit(project.id, { limit: 10 });
      expect(logged).toMatchObject({
        actorId: producer.id,
        projectId: project.id,
        event: "member.role-changed",
        outcome: "done",
        address: "127.0.0.1",
        detail: { from: "engineer", to: "viewer" },
      });
      expect(logged.at.toISOString()).toBe(at);
    });

    it("removes a member", async () => {
      expect(await store.removeMember(project.id, engineer.id)).toBe("engineer");
      expect(await store.memberRole(project.id, engineer.id)).toBeUndefined();
      expect(await refusal(store.removeMember(project.id, engineer.id))).toMatchObject({
        code: "E_STORE_MEMBER_MISSING",
        subject: "accountId",
      });
    });

    it("refuses to demote or remove the last producer, and logs nothing for the refusal", async () => {
      const audit = () => entry(producer.id, project.id, "member.removed", {});
      for (const attempt of [
        () => store.changeMemberRole(project.id, producer.id, "engineer", audit),
        () => store.removeMember(project.id, producer.id, audit),
        () => store.setMemberRole(project.id, producer.id, "viewer", audit()),
      ]) {
        const error = await refusal(attempt());
        expect(error.code).toBe("E_STORE_LAST_PRODUCER");
        expect(error.message).toContain("last producer");
      }
      expect(await store.memberRole(project.id, producer.id)).toBe("producer");
      expect(await store.listAudit(project.id, { limit: 10 })).toEqual([]);
    });

    it("lets a producer step down once there is another", async () => {
      await store.changeMemberRole(project.id, engineer.id, "producer");
      await store.changeMemberRole(project.id, producer.id, "engineer");
      expect(await store.memberRole(project.id, producer.id)).toBe("engineer");
      expect((await refusal(store.removeMember(project.id, engineer.id))).code).toBe(
        "E_STORE_LAST_PRODUCER",
      );
    });

    it("keeps a producer when two producers demote each other at the same moment", async () => {
      const other = await opened.openClient();
      // Warm both connections, so the two changes really start together.
      await Promise.all([store.listMembers(project.id), other.listMembers(project.id)]);
      for (let round = 0; round < 10; round++) {
        await store.setMemberRole(project.id, producer.id, "producer");
        await store.setMemberRole(project.id, engineer.id, "producer");
        const results = await Promise.allSettled([
          store.changeMemberRole(project.id, producer.id, "viewer"),
          other.changeMemberRole(project.id, engineer.id, "viewer"),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
        const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        expect(refused.reason.code).toBe("E_STORE_LAST_PRODUCER");
        const roles = (await store.listMembers(project.id)).map((m) => m.role);
        expect(roles.filter((role) => role === "producer")).toHaveLength(1);
      }
    });

    it("refuses someone who is not a member, and an account that does not exist", async () => {
      const stranger = await someAccount(store, "Stranger");
      expect((await refusal(store.changeMemberRole(project.id, stranger.id, "viewer"))).code).toBe(
        "E_STORE_MEMBER_MISSING",
      );
      expect(
        (
          await refusal(
            store.setMemberRole(project.id, "00000000-0000-4000-8000-000000000000", "viewer"),
          )
        ).code,
      ).toBe("E_STORE_ACCOUNT_MISSING");
    });
  });
}
