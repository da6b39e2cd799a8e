import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../store/node/open-store.ts";
import { projects } from "../store/schema.ts";
import { tempDir } from "./support/projects.ts";

const CLI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "cli",
  "bin",
  "controlroom.ts",
);
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `controlroom serve` as a person would and waits for the line with its URL. */
function serve(data: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data", data], {
    env: { ...process.env, DATABASE_URL: "" },
  });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /running at (http:\/\/\S+\/)/.exec(output)?.[1];
      // The owner's lines follow the URL in the same write on a first start.
      if (url) setTimeout(() => resolve({ child, url, output: () => output }), 200);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

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
