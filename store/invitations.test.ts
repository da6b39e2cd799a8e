import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ControlRoomError } from "../music/errors.ts";
import type { Account } from "./accounts.ts";
import type { AuditRecord } from "./audit.ts";
import type { Invitation } from "./invitations.ts";
import type { ProjectRecord } from "./projects.ts";
import type { Store } from "./store.ts";
import { type OpenedStore, testDatabases } from "./test-support/databases.ts";
import { firstDocument, refusal, someAccount } from "./test-support/documents.ts";

const now = new Date("2026-03-01T10:00:00Z");
const week = new Date("2026-03-08T10:00:00Z");

/** What the server's check does, reduced to what the store must give it. */
function openOnly(invitation: Invitation | undefined): void {
  if (invitation === undefined) throw new ControlRoomError("E_INVITATION_INVALID", "unknown");
  if (invitation.acceptedAt !== null) throw new ControlRoomError("E_INVITATION_USED", "used");
}

const audit =
  (actorId: string) =>
  (invitation: Invitation): AuditRecord => ({
    at: now.toISOString(),
    actorId,
    projectId: invitation.projectId,
    event: "invitation.accepted",
    subject: `invitation:${invitation.id}`,
    outcome: "done",
    address: null,
    detail: { role: invitation.role },
  });

for (const database of testDatabases) {
  describe.skipIf(database.skip)(`invitations on ${database.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let producer: Account;
    let invitee: Account;
    let project: ProjectRecord;
    let tokenHash: string;

    beforeAll(async () => {
      opened = await database.open();
      store = opened.store;
    });
    afterAll(() => opened.cleanup());

    beforeEach(async () => {
      producer = await someAccount(store, "Producer");
      invitee = await someAccount(store, "Musician");
      project = await store.createProject({
        title: "Night Drive",
        owner: producer.id,
        document: firstDocument(),
      });
      tokenHash = `${"ab".repeat(16)}${invitee.id.replaceAll("-", "").slice(0, 32)}`;
      await store.createInvitation(
        {
          projectId: project.id,
          email: invitee.email,
          role: "musician",
          tokenHash,
          invitedBy: producer.id,
          createdAt: now,
          expiresAt: week,
        },
        (id) => ({
          at: now.toISOString(),
          actorId: producer.id,
          projectId: project.id,
          event: "invitation.created",
          subject: `invitation:${id}`,
          outcome: "done",
          address: null,
          detail: { email: invitee.email, role: "musician" },
        }),
      );
    });

    it("keeps the invitation's hash and makes the invitee a member in its role when accepted", async () => {
      const accepted = await store.acceptInvitation(
        tokenHash,
        invitee.id,
        now,
        openOnly,
        audit(invitee.id),
      );
      expect(accepted).toMatchObject({
        projectId: project.id,
        role: "musician",
        email: invitee.email,
        invitedBy: producer.id,
        acceptedBy: invitee.id,
      });
      expect(accepted.acceptedAt?.toISOString()).toBe(now.toISOString());
      expect(await store.memberRole(project.id, invitee.id)).toBe("musician");
      const log = await store.listAudit(project.id, { limit: 10 });
      expect(log.map((e) => [e.event, e.actorId])).toEqual([
        ["invitation.accepted", invitee.id],
        ["invitation.created", producer.id],
      ]);
      expect(log[0].subject).toBe(`invitation:${accepted.id}`);
    });

    it("lets an invitation be used once, even by two accepts at the same moment", async () => {
      const other = await opened.openClient();
      // Warm both connections, so the two accepts really start together.
      await Promise.all([store.listMembers(project.id), other.listMembers(project.id)]);
      for (let round = 0; round < 5; round++) {
        const guest = await someAccount(store, "Guest");
        const hash = `${round}`.padStart(64, "c");
        await store.createInvitation({
          projectId: project.id,
          email: guest.email,
          role: "viewer",
          tokenHash: hash,
          invitedBy: producer.id,
          createdAt: now,
          expiresAt: week,
        });
        const results = await Promise.allSettled([
          store.acceptInvitation(hash, guest.id, now, openOnly),
          other.acceptInvitation(hash, guest.id, now, openOnly),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
        // The invitation's row lock queues the second accept until the first commits.
        const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        expect(refused.reason.code).toBe("E_INVITATION_USED");
      }
    });

    it("hands an unknown hash to the check as undefined", async () => {
      expect(
        (await refusal(store.acceptInvitation("f".repeat(64), invitee.id, now, openOnly))).code,
      ).toBe("E_INVITATION_INVALID");
    });

    it("refuses someone already on the project and leaves the invitation open", async () => {
      await store.setMemberRole(project.id, invitee.id, "engineer");
      const error = await refusal(store.acceptInvitation(tokenHash, invitee.id, now, openOnly));
      expect(error.code).toBe("E_STORE_MEMBER_EXISTS");
      expect(error.message).toContain("engineer");
      expect(await store.memberRole(project.id, invitee.id)).toBe("engineer");
      await store.removeMember(project.id, invitee.id);
      await store.acceptInvitation(tokenHash, invitee.id, now, openOnly);
      expect(await store.memberRole(project.id, invitee.id)).toBe("musician");
    });
  });
}
