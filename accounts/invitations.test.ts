import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../music/errors.ts";
import {
  acceptInvitation,
  createInvitation,
  hashInvitationToken,
  INVITABLE_ROLES,
  INVITATION_TTL_SECONDS,
} from "./invitations.ts";
import { ROLES } from "./roles.ts";

const now = new Date("2026-03-01T10:00:00Z");
const producer = { accountId: "acc-producer", role: "producer" as const };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ControlRoomError) return error.code;
    throw error;
  }
  return undefined;
}

describe("invitations", () => {
  it("store the token's hash, never the token, with a seven-day expiry", () => {
    const { token, stored } = createInvitation({
      projectId: "proj-a",
      email: "Mia@Band.example",
      role: "musician",
      inviter: producer,
      now,
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored.tokenHash).toBe(hashInvitationToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.email).toBe("mia@band.example");
    expect(stored.expiresAt.getTime() - now.getTime()).toBe(INVITATION_TTL_SECONDS * 1000);
    expect(stored.closedAt).toBeNull();
  });

  it("can be made only by someone allowed to invite", () => {
    for (const role of ROLES.filter((r) => r !== "producer")) {
      const code = codeOf(() =>
        createInvitation({
          projectId: "proj-a",
          email: "mia@band.example",
          role: "viewer",
          inviter: { accountId: "acc-x", role },
          now,
        }),
      );
      expect(code, role).toBe("E_FORBIDDEN");
    }
  });

  it("carry only roles a producer may grant by invitation, never producer", () => {
    expect(INVITABLE_ROLES).toEqual(["engineer", "musician", "artist", "viewer"]);
    for (const role of INVITABLE_ROLES) {
      expect(
        createInvitation({ projectId: "p", email: "a@b.example", role, inviter: producer, now })
          .stored.role,
      ).toBe(role);
    }
    const code = codeOf(() =>
      createInvitation({
        projectId: "p",
        email: "a@b.example",
        role: "producer",
        inviter: producer,
        now,
      }),
    );
    expect(code).toBe("E_ROLE_NOT_INVITABLE");
  });

  it("grant their project and role when accepted in time by the invited email", () => {
    const { token, stored } = createInvitation({
      projectId: "proj-a",
      email: "mia@band.example",
      role: "engineer",
      inviter: producer,
      now,
    });
    const later = new Date(now.getTime() + 3600_000);
    expect(
      acceptInvitation(stored, { token, accountEmail: "MIA@band.example", now: later }),
    ).toEqual({
      projectId: "proj-a",
      role: "engineer",
    });
  });

  it("refuse a wrong token, a used one, an expired one and another email", () => {
    const { token, stored } = createInvitation({
      projectId: "proj-a",
      email: "mia@band.example",
      role: "artist",
      inviter: producer,
      now,
    });
    const accept = (overrides: Partial<Parameters<typeof acceptInvitation>[1]>, s = stored) =>
      codeOf(() =>
        acceptInvitation(s, { token, accountEmail: "mia@band.example", now, ...overrides }),
      );
    expect(accept({ token: `${token.slice(0, -1)}x` })).toBe("E_INVITATION_INVALID");
    expect(
      codeOf(() => acceptInvitation(undefined, { token, accountEmail: "mia@band.example", now })),
    ).toBe("E_INVITATION_INVALID");
    expect(accept({}, { ...stored, closedAt: now })).toBe("E_INVITATION_USED");
    expect(accept({ now: stored.expiresAt })).toBe("E_INVITATION_EXPIRED");
    expect(accept({ accountEmail: "someone@else.example" })).toBe("E_INVITATION_EMAIL");
    expect(accept({})).toBeUndefined();
  });
});
