import { request } from "node:http";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { wavHeader } from "../formats/wav/writer.ts";
import { openStore } from "../store/node/open-store.ts";
import { tempDir } from "./support/projects.ts";
import { killAll, ownerPassword, serve, signIn, stop } from "./support/studio.ts";

/**
 * The studio server killed with SIGKILL while a take is half uploaded and saves are being
 * made, then started again on the same data folder (PGlite and the blob folder).
 */
afterAll(killAll);

const OWNER = "owner@controlroom.local";
/** 48 kHz stereo 16-bit for 64 MiB: a take big enough to be killed in the middle of. */
const TAKE_FRAMES = (64 * 1024 * 1024) / 4;

/** Streams a take to the server a MiB at a time; calls `halfway` once half of it is sent. */
function uploadTake(url: string, auth: { cookie: string; csrf: string }, halfway: () => void) {
  const header = wavHeader({
    channels: 2,
    sampleRate: 48_000,
    encoding: "int",
    bitsPerSample: 16,
    frames: TAKE_FRAMES,
  });
  const chunk = new Uint8Array(1024 * 1024).map((_, i) => (i * 7919) % 251);
  const total = header.byteLength + TAKE_FRAMES * 4;
  return new Promise<number | "connection lost">((resolve) => {
    const upload = request(`${url}api/projects/${projectId}/files/audio/take-1.wav`, {
      method: "PUT",
      headers: {
        cookie: auth.cookie,
        "x-csrf-token": auth.csrf,
        "content-type": "audio/wav",
        "content-length": total,
      },
    });
    upload.on("response", (response) => resolve(response.statusCode ?? 0));
    upload.on("error", () => resolve("connection lost"));
    upload.write(header);
    let sent = header.byteLength;
    const more = () => {
      while (sent < total) {
        const n = Math.min(chunk.byteLength, total - sent);
        sent += n;
        if (sent > total / 2 && sent - n <= total / 2) halfway();
        if (!upload.write(chunk.subarray(0, n))) {
          upload.once("drain", more);
          return;
        }
      }
      upload.end();
    };
    more();
  });
}

let projectId: string;

describe("a studio killed mid-upload and mid-save", () => {
  it("starts again with every acknowledged revision, and no file without its bytes", async () => {
    const data = path.join(await tempDir("controlroom-crash-"), "data");
    const first = await serve(data);
    const auth = await signIn(first.url, OWNER, ownerPassword(first.output()));
    const headers = { cookie: auth.cookie, "x-csrf-token": auth.csrf };
    const list = (await (await fetch(`${first.url}api/projects`, { headers })).json()) as {
      projects: { id: string }[];
    };
    projectId = list.projects[0].id;

    // Saves one after another until the server is gone; the last one it acknowledged counts.
    let acknowledged = 1;
    let saving = true;
    const saves = (async () => {
      for (let i = 0; saving; i++) {
        try {
          const response = await fetch(`${first.url}api/projects/${projectId}/revisions`, {
            method: "POST",
            headers: { ...headers, "content-type": "application/json" },
            body: JSON.stringify({
              baseRevision: acknowledged,
              operations: [
                { type: "param.set", trackId: "master", path: "faderDb", value: -(i % 12) },
              ],
            }),
          });
          if (response.status !== 200)
            throw new Error(`save: ${response.status} ${await response.text()}`);
          acknowledged = ((await response.json()) as { revision: number }).revision;
        } catch (error) {
          if (saving) throw error;
        }
      }
    })();

    const upload = await uploadTake(first.url, auth, () => {
      saving = false;
      first.child.kill("SIGKILL");
    });
    await saves;
    expect(upload).toBe("connection lost");
    expect(acknowledged).toBeGreaterThan(1);

    const second = await serve(data);
    const again = await signIn(second.url, OWNER, ownerPassword(first.output()));
    const project = (await (
      await fetch(`${second.url}api/projects/${projectId}`, { headers: { cookie: again.cookie } })
    ).json()) as { currentRevision: number };
    // A save the server acknowledged is there; one in flight at the kill may be too.
    expect(project.currentRevision).toBeGreaterThanOrEqual(acknowledged);
    expect(project.currentRevision).toBeLessThanOrEqual(acknowledged + 1);
    const revision = await fetch(
      `${second.url}api/projects/${projectId}/revisions/${project.currentRevision}`,
      { headers: { cookie: again.cookie } },
    );
    expect(revision.status).toBe(200);
    const files = await (
      await fetch(`${second.url}api/projects/${projectId}/files`, {
        headers: { cookie: again.cookie },
      })
    ).json();
    expect(JSON.stringify(files)).not.toContain("take-1.wav");
    expect(await stop(second.child)).toBe(0);

    const store = await openStore({ dataDir: data });
    try {
      const check = await store.checkBlobs();
      expect(check.missing).toEqual([]);
      expect(check.recorded).toBeGreaterThan(0);
      expect(await store.findFile(projectId, "audio/take-1.wav")).toBeUndefined();
    } finally {
      await store.close();
    }
  }, 180_000);
});
