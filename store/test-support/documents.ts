import { expect } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { applyOperation, type Operation } from "../../music/operations.ts";
import { emptyProject, type Project } from "../../music/project.ts";
import type { Account } from "../accounts.ts";
import type { Store } from "../store.ts";

let accountCount = 0;

/** A fresh account; emails differ per call so tests can share a database. */
export async function someAccount(store: Store, name = "Producer"): Promise<Account> {
  accountCount++;
  return store.createAccount({
    email: `${name.toLowerCase()}-${process.pid}-${accountCount}@studio.test`,
    displayName: name,
    passwordHash: "not-a-real-hash",
  });
}

export function firstDocument(title = "Night Drive"): Project {
  return emptyProject({ title, artist: "The Testers" });
}

/** An edit as a client makes it: operations applied to the document it loaded. */
export function edit(
  document: Project,
  title: string,
): { document: Project; operations: Operation[] } {
  const operations: Operation[] = [{ type: "song.set", changes: { title } }];
  let next = document;
  for (const operation of operations) next = applyOperation(next, operation).project;
  return { document: next, operations };
}

/** The ControlRoomError a promise rejects with; the test fails if it resolves or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<ControlRoomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ControlRoomError);
  return error as ControlRoomError;
}
