import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../store/node/open-store.ts";
import { projects } from "../store/schema.ts";
import { tempDir } from "./support/projects.ts";
import { killAll, serve, stop } from "./support/studio.ts";

afterAll(killAll);

describe("controlroom serve", () => {
  it("starts on an empty data folder with the owner's sign-in and the demo song, and again without them", async () => {
    const data = path.join(await tempDir("controlroom-serve-"), "data");
    const first = await serve(data);
    expect(first.output()).toMatch(
      /Sign in at http:\/\/127\.0\.0\.1:\d+\/ as owner@controlroom\.local with the password [0-9a-z]{4}(-[0-9a-z]{4}){4}\n/,
    );
    expect(await (await fetch(`${first.url}ready`)).json()).toEqual({
      ok: true,
      database: "ready",
    });
    expect((await fetch(first.url)).headers.get("content-type")).toContain("text/html");
    expect(await stop(first.child)).toBe(0);

    const second = await serve(data);
    expect(second.output()).not.toContain("password");
    expect(await stop(second.child)).toBe(0);

    const store = await openStore({ dataDir: data });
    try {
      const seeded = await store.db.select({ title: projects.title }).from(projects);
      expect(seeded).toEqual([{ title: "Control Room Demo" }]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
