import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "./support/cli.ts";
import { noise, tempDir, writeProject, writeSource } from "./support/projects.ts";
import { killAll, ownerPassword, type ServedStudio, serve, signIn } from "./support/studio.ts";

/**
 * `controlroom push` and `pull` as a person runs them, against `controlroom serve` in its own
 * process: a project folder goes into the studio and comes back, and both render the same
 * mix to the bit.
 */
let work: string;
let studio: ServedStudio;
let token: string;

beforeAll(async () => {
  work = await tempDir("controlroom-push-");
  studio = await serve(path.join(work, "data"));
  const session = await signIn(
    studio.url,
    "owner@controlroom.local",
    ownerPassword(studio.output()),
  );
  const made = await fetch(`${studio.url}api/account/tokens`, {
    method: "POST",
    headers: {
      cookie: session.cookie,
      "x-csrf-token": session.csrf,
      "content-type": "application/json",
    },
    body: JSON.stringify({ name: "push and pull" }),
  });
  expect(made.status, await made.clone().text()).toBe(200);
  token = ((await made.json()) as { token: string }).token;
}, 120_000);
afterAll(killAll);

/** The CLI with the token in its environment, as a script would run it. */
function controlroom(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, CONTROLROOM_TOKEN: token },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function render(dir: string, out: string): Promise<Buffer> {
  const rendered = controlroom("render", dir, "-o", out);
  expect(rendered.status, rendered.stderr).toBe(0);
  return readFile(out);
}

/** Two takes on two tracks into a bus: a small song that renders in a moment. */
async function writeSong(dir: string): Promise<void> {
  const guitar = await writeSource(dir, "guitar", 44_100, [
    noise(44_100, 0.3, 1),
    noise(44_100, 0.3, 2),
  ]);
  const vox = await writeSource(dir, "vox", 48_000, [noise(60_000, 0.2, 3)], 24);
  await writeProject(dir, {
    song: { title: "Moved Song", sampleRate: 48_000 },
    sources: [guitar, vox],
    tracks: [
      { id: "bus", name: "Bus", kind: "bus" },
      {
        id: "gtr",
        name: "Guitar",
        kind: "audio",
        output: "bus",
        clips: [{ id: "g1", sourceId: "guitar", startTick: 0, lengthFrames: 44_100 }],
      },
      {
        id: "vox",
        name: "Vox",
        kind: "audio",
        clips: [{ id: "v1", sourceId: "vox", startTick: 480, lengthFrames: 60_000 }],
      },
    ],
  });
}

describe("controlroom push and pull", () => {
  it("moves a project folder into the studio and back, and both render the same mix to the bit", async () => {
    const song = path.join(work, "song");
    await writeSong(song);
    const pushed = controlroom("push", song, "--server", studio.url, "--json");
    expect(pushed.status, pushed.stderr + pushed.stdout).toBe(0);
    const { projectId, revision, uploaded } = JSON.parse(pushed.stdout);
    expect(revision).toBe(1);
    expect(uploaded.sort()).toEqual(["audio/guitar.wav", "audio/vox.wav"]);

    const copy = path.join(work, "copy");
    const pulled = controlroom("pull", projectId, copy, "--server", studio.url);
    expect(pulled.status, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain(`pulled project ${projectId} revision 1 into ${copy}`);
    const original = await render(song, path.join(work, "song.wav"));
    const again = await render(copy, path.join(work, "copy.wav"));
    expect(again.equals(original)).toBe(true);

    // Edited offline and pushed again: only the new take travels, the document is revision 2.
    const project = JSON.parse(await readFile(path.join(song, "project.json"), "utf8"));
    const bass = await writeSource(song, "bass", 48_000, [noise(30_000, 0.25, 4)]);
    project.sources.push(bass);
    project.tracks.push({
      id: "bass",
      name: "Bass",
      kind: "audio",
      clips: [{ id: "b1", sourceId: "bass", startTick: 0, lengthFrames: 30_000 }],
    });
    project.tracks[1].strip = { ...project.tracks[1].strip, faderDb: -9 };
    await writeFile(path.join(song, "project.json"), JSON.stringify(project));
    const second = controlroom("push", song, "--server", studio.url, "--project", projectId);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`project ${projectId}, revision 2 (1 of 3 files uploaded)`);

    const later = path.join(work, "later");
    expect(controlroom("pull", projectId, later, "--server", studio.url).status).toBe(0);
    const edited = await render(song, path.join(work, "song-2.wav"));
    expect(edited.equals(original)).toBe(false);
    expect((await render(later, path.join(work, "later.wav"))).equals(edited)).toBe(true);

    const first = path.join(work, "first");
    const old = controlroom("pull", projectId, first, "--server", studio.url, "--revision", "1");
    expect(old.status, old.stderr).toBe(0);
    expect((await render(first, path.join(work, "first.wav"))).equals(original)).toBe(true);
  }, 300_000);

  it("says what is wrong without a token, with a bad one, or into a folder that holds a project", async () => {
    const song = path.join(work, "song");
    const noToken = spawnSync(process.execPath, [CLI, "pull", "x", song, "--server", studio.url], {
      encoding: "utf8",
      env: { ...process.env, CONTROLROOM_TOKEN: "" },
    });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toMatch(/^E_USAGE: .*CONTROLROOM_TOKEN/);
    const badToken = controlroom("push", song, "--server", studio.url, "--token", "cr_nonsense");
    expect(badToken.status).toBe(2);
    expect(badToken.stderr).toMatch(/^E_STUDIO_REFUSED: .*E_UNAUTHENTICATED/);
    const existing = controlroom("pull", "x", song, "--server", studio.url);
    expect(existing.status).toBe(3);
    expect(existing.stderr).toMatch(/^E_PROJECT_EXISTS: /);
    const unreachable = controlroom(
      "pull",
      "x",
      path.join(work, "nowhere"),
      "--server",
      "http://127.0.0.1:1/",
    );
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toMatch(/^E_STUDIO_UNREACHABLE: /);
  }, 120_000);
});
