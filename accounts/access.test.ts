import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../music/errors.ts";
import { decideAccess, type Membership, requireAccess, requireSameProject } from "./access.ts";
import { ACTIONS, can, ROLES } from "./roles.ts";

const ana: Membership = { accountId: "acc-ana", projectId: "proj-a", role: "engineer" };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ControlRoomError) return error.code;
    throw error;
  }
  return undefined;
}

describe("access to a project", () => {
  it("answers a non-member as if the project did not exist, for every action", () => {
    for (const action of ACTIONS) {
      expect(decideAccess({ projectId: "proj-b", action, membership: undefined })).toEqual({
        allowed: false,
        reason: "not-found",
      });
    }
  });

  it("does not let a membership of one project open another by its id", () => {
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        const membership = { ...ana, role };
        const decision = decideAccess({ projectId: "proj-b", action, membership });
        expect(decision).toEqual({ allowed: false, reason: "not-found" });
      }
    }
  });

  it("allows and forbids members exactly as the permission table does", () => {
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        const decision = decideAccess({
          projectId: "proj-a",
          action,
          membership: { ...ana, role },
        });
        expect(decision.allowed, `${role} × ${action}`).toBe(can(role, action));
        if (!decision.allowed) expect(decision.reason).toBe("forbidden");
      }
    }
  });

  it("throws E_NOT_FOUND for strangers and E_FORBIDDEN for members without the right", () => {
    expect(
      codeOf(() => requireAccess({ projectId: "proj-b", action: "project.read", membership: ana })),
    ).toBe("E_NOT_FOUND");
    expect(
      codeOf(() => requireAccess({ projectId: "proj-a", action: "budget.read", membership: ana })),
    ).toBe("E_FORBIDDEN");
    expect(requireAccess({ projectId: "proj-a", action: "mix.edit", membership: ana })).toBe(
      "engineer",
    );
  });

  it("passes the artist's approval through only on a request to them", () => {
    const artist: Membership = { ...ana, role: "artist" };
    const base = { projectId: "proj-a", action: "approvals.give" as const, membership: artist };
    expect(decideAccess(base).allowed).toBe(false);
    expect(decideAccess({ ...base, asked: true }).allowed).toBe(true);
  });

  it("hides a record of another project behind E_NOT_FOUND", () => {
    expect(codeOf(() => requireSameProject({ projectId: "proj-b" }, "proj-a", "take:7"))).toBe(
      "E_NOT_FOUND",
    );
    expect(codeOf(() => requireSameProject(undefined, "proj-a", "take:7"))).toBe("E_NOT_FOUND");
    expect(
      codeOf(() => requireSameProject({ projectId: "proj-a" }, "proj-a", "take:7")),
    ).toBeUndefined();
  });
});
