import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  type Action,
  can,
  PERMISSIONS,
  ROLE_DESCRIPTIONS,
  ROLES,
  type Role,
} from "./roles.ts";

// The permission table written out by hand. A change to PERMISSIONS must change this too.
// "asked" = only on a request addressed to that member.
const EXPECTED = `
action                      producer  engineer  musician  artist  viewer
project.read                yes       yes       yes       yes     yes
files.read                  yes       yes       yes       yes     yes
members.read                yes       yes       yes       yes     yes
jobs.read                   yes       yes       yes       yes     yes
revisions.read              yes       yes       yes       yes     yes
budget.read                 yes       no        no        no      no
rights.read                 yes       no        no        no      no
audit.read                  yes       no        no        no      no
project.edit-arrangement    yes       no        no        no      no
project.edit-details        yes       no        no        no      no
mix.edit                    yes       yes       no        no      no
recording.manage            yes       yes       no        no      no
files.upload-take           yes       yes       yes       no      no
rooms.edit                  yes       yes       no        no      no
equipment.edit              yes       yes       no        no      no
sessions.book               yes       no        no        no      no
comments.write              yes       yes       yes       yes     no
approvals.request           yes       no        no        no      no
approvals.give              yes       no        no        asked   no
budget.edit                 yes       no        no        no      no
rights.edit                 yes       no        no        no      no
team.edit                   yes       no        no        no      no
decisions.record            yes       no        no        no      no
tasks.assign                yes       no        no        no      no
tasks.update                yes       yes       yes       yes     no
members.invite              yes       no        no        no      no
members.manage              yes       no        no        no      no
jobs.run                    yes       yes       no        no      no
revisions.restore           yes       no        no        no      no
project.delete              yes       no        no        no      no
`;

function expectedMatrix(): Map<string, Record<Role, string>> {
  const [header, ...rows] = EXPECTED.trim().split("\n");
  const roles = header.trim().split(/\s+/).slice(1);
  expect(roles).toEqual([...ROLES]);
  const matrix = new Map<string, Record<Role, string>>();
  for (const line of rows) {
    const [action, ...cells] = line.trim().split(/\s+/);
    matrix.set(
      action,
      Object.fromEntries(roles.map((role, i) => [role, cells[i]])) as Record<Role, string>,
    );
  }
  return matrix;
}

describe("the permission table", () => {
  const expected = expectedMatrix();

  it("lists exactly the actions of the written-out matrix, in its order", () => {
    expect([...ACTIONS]).toEqual([...expected.keys()]);
  });

  it("answers every role × action as the written-out matrix says", () => {
    for (const action of ACTIONS) {
      for (const role of ROLES) {
        const cell = expected.get(action)![role];
        expect(PERMISSIONS[action].grants[role], `${role} × ${action}`).toBe(cell);
        expect(can(role, action), `${role} × ${action}`).toBe(cell === "yes");
        expect(can(role, action, { asked: true }), `${role} × ${action} when asked`).toBe(
          cell === "yes" || cell === "asked",
        );
      }
    }
  });

  it("gives the producer everything", () => {
    for (const action of ACTIONS) expect(can("producer", action)).toBe(true);
  });

  it("lets an engineer neither see nor edit the budget, nor touch rights", () => {
    expect(can("engineer", "budget.read")).toBe(false);
    expect(can("engineer", "budget.edit")).toBe(false);
    expect(can("engineer", "rights.read")).toBe(false);
    expect(can("engineer", "rights.edit")).toBe(false);
    expect(can("engineer", "budget.read", { asked: true })).toBe(false);
  });

  it("lets an engineer run the console, record, edit, and keep rooms and equipment", () => {
    const engineerWork: Action[] = ["mix.edit", "recording.manage", "rooms.edit", "equipment.edit"];
    for (const action of engineerWork) expect(can("engineer", action)).toBe(true);
  });

  it("lets a viewer change nothing", () => {
    for (const action of ACTIONS) {
      if (PERMISSIONS[action].changes) {
        expect(can("viewer", action, { asked: true }), action).toBe(false);
      }
    }
    const allowed = ACTIONS.filter((action) => can("viewer", action, { asked: true }));
    expect(allowed).toEqual([
      "project.read",
      "files.read",
      "members.read",
      "jobs.read",
      "revisions.read",
    ]);
  });

  it("marks every write action as a change", () => {
    const writes = ACTIONS.filter((action) => !/\.(read)$/.test(action));
    for (const action of writes) expect(PERMISSIONS[action].changes, action).toBe(true);
    for (const action of ACTIONS.filter((a) => a.endsWith(".read"))) {
      expect(PERMISSIONS[action].changes, action).toBe(false);
    }
  });

  it("lets an artist approve only when the producer has asked", () => {
    expect(can("artist", "approvals.give")).toBe(false);
    expect(can("artist", "approvals.give", { asked: false })).toBe(false);
    expect(can("artist", "approvals.give", { asked: true })).toBe(true);
    expect(can("artist", "approvals.request", { asked: true })).toBe(false);
  });

  it("lets a musician upload takes, comment and move their own tasks along, and nothing more that changes the project", () => {
    const changes = ACTIONS.filter((a) => PERMISSIONS[a].changes && can("musician", a));
    expect(changes).toEqual(["files.upload-take", "comments.write", "tasks.update"]);
  });

  it("describes every role", () => {
    for (const role of ROLES) expect(ROLE_DESCRIPTIONS[role].length).toBeGreaterThan(20);
  });
});
