import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { openStore, storeOptionsFromEnv } from "./open-store.ts";

async function refusal(promise: Promise<unknown>): Promise<ControlRoomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ControlRoomError);
  return error as ControlRoomError;
}

describe("openStore", () => {
  it("uses a PostgreSQL server when DATABASE_URL is set, PGlite in the data folder otherwise", () => {
    expect(storeOptionsFromEnv({ DATABASE_URL: "postgres://u@db/cr" }, "/srv/cr")).toEqual({
      dataDir: "/srv/cr",
      databaseUrl: "postgres://u@db/cr",
    });
    expect(storeOptionsFromEnv({ DATABASE_URL: " " })).toEqual({ dataDir: undefined });
  });

  it("refuses to open a PGlite folder that another store has open", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "controlroom-lock-"));
    try {
      const store = await openStore({ dataDir });
      const error = await refusal(openStore({ dataDir }));
      expect(error.code).toBe("E_STORE_LOCKED");
      expect(error.message).toContain(`pid ${process.pid}`);
      await store.close();
      await (await openStore({ dataDir })).close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("names the server it cannot reach, without its password", async () => {
    const error = await refusal(
      openStore({ databaseUrl: "postgres://controlroom:s3cret@127.0.0.1:1/controlroom" }),
    );
    expect(error.code).toBe("E_STORE_CONNECT");
    expect(error.message).toContain("127.0.0.1:1/controlroom");
    expect(error.message).not.toContain("s3cret");
  });
});
