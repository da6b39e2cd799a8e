import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectToMidi } from "../formats/midi/midi-export.ts";
import { wavHeader } from "../formats/wav/writer.ts";
import { Project, SCHEMA_VERSION } from "../music/project.ts";
import { projectFiles, projects } from "../store/schema.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * Projects over HTTP: created empty or imported from a DAWproject, a MIDI file or a zipped
 * project folder; archived and brought back; downloaded as a DAWproject or a folder that
 * imports again; read in one call with their document; revisions that name their authors.
 */
let studio: StudioUnderTest;
const sessions = new Map<string, { cookie: string; csrf: string }>();
const IMPORT_LIMIT = 4 * 1024 * 1024;

beforeAll(async () => {
  studio = await studioUnderTest(
    { pro: "producer", eng: "engineer", out: null },
    { server: { importLimit: IMPORT_LIMIT }, jobs: "queue only" },
  );
  for (const who of ["pro", "eng", "out"]) sessions.set(who, await studio.signIn(who));
}, 60_000);
afterAll(() => studio?.close());

function call(
  who: string,
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  payload?: object | Uint8Array,
) {
  const session = sessions.get(who)!;
  const raw = payload instanceof Uint8Array;
  return studio.app.inject({
    method,
    url,
    headers: {
      cookie: session.cookie,
      "x-csrf-token": session.csrf,
      ...(payload === undefined
        ? {}
        : { "content-type": raw ? "application/octet-stream" : "application/json" }),
    },
    ...(payload === undefined ? {} : { payload: raw ? Buffer.from(payload) : payload }),
  });
}

/** A 16-bit mono WAV of a ramp, `frames` long at 44.1 kHz. */
function wav(frames: number): Uint8Array {
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) data.writeInt16LE((i * 37) % 20_000, i * 2);
  return Buffer.concat([
    wavHeader({ channels: 1, sampleRate: 44_100, encoding: "int", bitsPerSample: 16, frames }),
    data,
  ]);
}

const TONE_FRAMES = 4410;

/** A project that plays a WAV on an audio track and notes on an instrument track. */
function songDocument(frames = TONE_FRAMES) {
  return Project.parse({
    schemaVersion: SCHEMA_VERSION,
    song: { title: "Folder Song", artist: "Someone" },
    sources: [
      { id: "tone", file: "audio/tone.wav", sampleRate: 44_100, channels: 1, frames: frames },
    ],
    tracks: [
      {
        id: "gtr",
        name: "Guitar",
        kind: "audio",
        clips: [{ id: "c1", sourceId: "tone", startTick: 0, lengthFrames: TONE_FRAMES }],
      },
      {
        id: "keys",
        name: "Keys",
        kind: "instrument",
        instrument: { program: 4 },
        noteClips: [
          {
            id: "n1",
            startTick: 0,
            lengthTicks: 3840,
            notes: [
              { pitch: 60, velocity: 100, startTick: 0, lengthTicks: 960 },
              { pitch: 64, velocity: 90, startTick: 960, lengthTicks: 960 },
            ],
          },
        ],
      },
    ],
  });
}

/** A project folder zipped as a person would: inside a folder of its own, with its history. */
function folderZip(document: unknown = songDocument(), extra: Record<string, Uint8Array> = {}) {
  return zipSync({
    "song/project.json": new TextEncoder().encode(JSON.stringify(document)),
    "song/audio/tone.wav": wav(TONE_FRAMES),
    "song/revisions/2026-01-01.json": new TextEncoder().encode("{}"),
    ...extra,
  });
}

const counts = async () => ({
  projects: (await studio.store.db.select().from(projects)).length,
  files: (await studio.store.db.select().from(projectFiles)).length,
});

async function importFile(from: string, bytes: Uint8Array, title?: string, who = "eng") {
  const query = new URLSearchParams({ from, ...(title ? { title } : {}) });
  return call(who, "POST", `/api/projects?${query}`, bytes);
}

/** Overwrites the inflated size the central directory declares for the first entry. */
function declaringSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = out.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      view.setUint32(view.getUint32(at + 16, true) + 24, size, true);
      return out;
    }
  }
  throw new Error("no end of central directory");
}

describe("creating a project", () => {
  it("makes an empty project whose creator is its producer", async () => {
    const made = await call("eng", "POST", "/api/projects", { title: "  New Song " });
    expect(made.statusCode, made.body).toBe(201);
    const { project } = made.json();
    expect(project).toMatchObject({ title: "New Song", currentRevision: 1, role: "producer" });
    expect(made.json().import).toBeNull();
    const listed = (await call("eng", "GET", "/api/projects")).json().projects;
    expect(listed).toContainEqual({ ...project, archived: false });
    const members = (await call("eng", "GET", `/api/projects/${project.id}/members`)).json();
    expect(JSON.stringify(members)).toContain("producer");
    expect((await call("eng", "POST", "/api/projects", { title: "" })).statusCode).toBe(400);
    const anonymous = await studio.app.inject({
      method: "POST",
      url: "/api/projects",
      payload: { title: "x" },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it("imports a zipped project folder: its audio becomes project files its sources match", async () => {
    const made = await importFile("folder", folderZip(), "From the CLI");
    expect(made.statusCode, made.body).toBe(201);
    const { project, import: report } = made.json();
    expect(project).toMatchObject({ title: "From the CLI", role: "producer" });
    expect(report).toMatchObject({
      format: "folder",
      tracks: 2,
      audioClips: 1,
      noteClips: 1,
      notes: 2,
      files: ["audio/tone.wav"],
    });
    expect(report.warnings).toEqual([]);
    const files = (await call("eng", "GET", `/api/projects/${project.id}/files`)).json().files;
    expect(files).toEqual([
      expect.objectContaining({
        name: "audio/tone.wav",
        mediaType: "audio/wav",
        audio: expect.objectContaining({ sampleRate: 44_100, channels: 1, frames: TONE_FRAMES }),
      }),
    ]);
    const read = await call("eng", "GET", `/api/projects/${project.id}?include=document`);
    expect(read.json().document).toEqual(songDocument());
  });

  it("imports a MIDI file: instrument tracks with the file's notes", async () => {
    const made = await importFile("midi", projectToMidi(songDocument()), "Keys");
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().import).toMatchObject({ format: "midi", notes: 2, files: [] });
  });

  it("refuses a broken or hostile file with a 4xx naming what is wrong, and keeps nothing", async () => {
    const before = await counts();
    const zip = folderZip();
    const cases: [string, Uint8Array, number, string][] = [
      ["folder", zip.subarray(0, zip.length - 40), 400, "E_ZIP"],
      ["folder", zipSync({ "../evil/project.json": new Uint8Array(2) }), 400, "E_ZIP_UNSAFE_PATH"],
      ["folder", zipSync({ "notes.txt": new Uint8Array(2) }), 400, "E_IMPORT_NO_PROJECT"],
      ["folder", folderZip(songDocument(TONE_FRAMES + 1)), 422, "E_SOURCE_MISMATCH"],
      [
        "folder",
        zipSync({ "project.json": new TextEncoder().encode(JSON.stringify(songDocument())) }),
        422,
        "E_IMPORT_FILE_MISSING",
      ],
      [
        "folder",
        zipSync({
          "project.json": new TextEncoder().encode(JSON.stringify(songDocument())),
          "audio/tone.wav": wav(TONE_FRAMES).subarray(0, 400),
        }),
        422,
        "E_UPLOAD_AUDIO_INVALID",
      ],
      ["midi", new TextEncoder().encode("MThd this is not MIDI"), 400, "E_MIDI"],
      ["dawproject", zipSync({ "project.xml": new TextEncoder().encode("<x/>") }), 400, "E_"],
      ["dawproject", new Uint8Array(IMPORT_LIMIT + 1), 413, "E_TOO_LARGE"],
    ];
    for (const [from, bytes, status, code] of cases) {
      const response = await importFile(from, bytes);
      expect(response.statusCode, `${from}: ${response.body}`).toBe(status);
      expect(response.json().error.code, response.body).toMatch(new RegExp(`^${code}`));
      expect(response.json().error.message.length).toBeGreaterThan(20);
    }
    // Zip bombs: an entry that inflates past the size it declares, and one declaring 4 GiB.
    const bomb = zipSync({ "project.json": [new Uint8Array(16 * 1024 * 1024), { level: 9 }] });
    const lying = await importFile("folder", declaringSize(bomb, 1000));
    expect(lying.statusCode, lying.body).toBe(400);
    expect(lying.json().error.code).toBe("E_ZIP_SIZE_MISMATCH");
    const huge = await importFile("folder", declaringSize(bomb, 0xfffffff0));
    expect(huge.statusCode, huge.body).toBe(413);
    expect(huge.json().error.code).toBe("E_ZIP_TOO_LARGE");
    expect(await counts()).toEqual(before);
  }, 60_000);
});

describe("archiving", () => {
  it("takes a project out of the list, keeps it readable, refuses saves, and brings it back", async () => {
    const { project } = (await call("pro", "POST", "/api/projects", { title: "Old Song" })).json();
    const url = `/api/projects/${project.id}`;
    expect((await call("eng", "POST", `${url}/archive`)).statusCode).toBe(404);
    const archived = await call("pro", "POST", `${url}/archive`);
    expect(archived.statusCode, archived.body).toBe(200);
    expect(archived.json().project).toMatchObject({
      archived: true,
      archivedAt: expect.any(String),
    });
    const active = (await call("pro", "GET", "/api/projects")).json().projects;
    expect(active.map((p: { id: string }) => p.id)).not.toContain(project.id);
    const old = (await call("pro", "GET", "/api/projects?archived=true")).json().projects;
    expect(old).toEqual([{ ...project, archived: true }]);
    expect((await call("pro", "GET", url)).json()).toMatchObject({ archived: true });
    const save = await call("pro", "POST", `${url}/revisions`, {
      baseRevision: 1,
      operations: [{ type: "song.set", changes: { artist: "Late" } }],
    });
    expect(save.statusCode, save.body).toBe(409);
    expect(save.json().error.code).toBe("E_PROJECT_ARCHIVED");
    const restore = await call("pro", "POST", `${url}/revisions/1/restore`, { baseRevision: 1 });
    expect(restore.json().error.code).toBe("E_PROJECT_ARCHIVED");
    // Nor does it take new files, lose files, or start jobs.
    for (const [method, path, body] of [
      ["PUT", "files/audio/late.wav", wav(100)],
      ["DELETE", "files/audio/late.wav", undefined],
      ["POST", "jobs", { kind: "render", endSeconds: 1 }],
    ] as const) {
      const refused = await call("pro", method, `${url}/${path}`, body);
      expect(refused.statusCode, `${method} ${path}: ${refused.body}`).toBe(409);
      expect(refused.json().error.message).toMatch(/is archived/);
    }
    expect((await call("pro", "GET", `${url}/files`)).json().files).toEqual([]);
    expect((await call("pro", "GET", `${url}/export?format=folder`)).statusCode).toBe(200);
    const back = await call("pro", "POST", `${url}/unarchive`);
    expect(back.json().project).toMatchObject({ archived: false, archivedAt: null });
    const again = await call("pro", "POST", `${url}/revisions`, {
      baseRevision: 1,
      operations: [{ type: "song.set", changes: { artist: "Late" } }],
    });
    expect(again.statusCode, again.body).toBe(200);
  });

  it("lets only a producer archive", async () => {
    const response = await call("eng", "POST", `/api/projects/${studio.projectId}/archive`);
    expect(response.statusCode).toBe(403);
  });
});

describe("downloading a project", () => {
  let projectId: string;
  beforeAll(async () => {
    projectId = (await importFile("folder", folderZip(), "Round Trip")).json().project.id;
  });

  it("downloads a zipped folder that imports to the same document and the same audio", async () => {
    const download = await call("eng", "GET", `/api/projects/${projectId}/export?format=folder`);
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers["content-disposition"]).toContain("Folder%20Song-r1.zip");
    const inside = unzipSync(download.rawPayload);
    expect(Object.keys(inside).sort()).toEqual(["audio/tone.wav", "project.json"]);
    expect(Buffer.from(inside["audio/tone.wav"]).equals(Buffer.from(wav(TONE_FRAMES)))).toBe(true);
    const again = await importFile("folder", download.rawPayload);
    expect(again.statusCode, again.body).toBe(201);
    const document = (
      await call("eng", "GET", `/api/projects/${again.json().project.id}?include=document`)
    ).json().document;
    expect(document).toEqual(songDocument());
  });

  it("downloads a DAWproject that imports again and validates against Project.xsd", async () => {
    const download = await call(
      "eng",
      "GET",
      `/api/projects/${projectId}/export?format=dawproject&revision=1`,
    );
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers["x-controlroom-revision"]).toBe("1");
    const again = await importFile("dawproject", download.rawPayload);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().import).toMatchObject({
      format: "dawproject",
      application: "Control Room 0.1.0",
      tracks: 2,
      audioClips: 1,
      notes: 2,
    });
    const schema = path.resolve(
      import.meta.dirname,
      "..",
      "..",
      "shared",
      "specs",
      "dawproject",
      "Project.xsd",
    );
    const xmllint = spawnSync("xmllint", ["--version"]).status === 0;
    if (!existsSync(schema) || !xmllint) {
      console.log(
        `Project.xsd check skipped: ${existsSync(schema) ? "xmllint is not installed (Debian package libxml2-utils)" : "../shared/specs is absent (it comes beside the checkout)"}`,
      );
      return;
    }
    const xml = path.join(mkdtempSync(path.join(tmpdir(), "controlroom-export-")), "project.xml");
    writeFileSync(xml, unzipSync(download.rawPayload)["project.xml"]);
    const lint = spawnSync("xmllint", ["--noout", "--schema", schema, xml], { encoding: "utf8" });
    expect(lint.status, lint.stderr).toBe(0);
  });

  it("refuses an unknown format or revision", async () => {
    const url = `/api/projects/${projectId}/export`;
    expect((await call("eng", "GET", `${url}?format=mp3`)).statusCode).toBe(400);
    expect((await call("eng", "GET", `${url}?format=folder&revision=9`)).statusCode).toBe(404);
    expect((await call("out", "GET", `${url}?format=folder`)).statusCode).toBe(404);
  });
});

describe("reading and pushing documents", () => {
  it("names each revision's author beside their id", async () => {
    const url = `/api/projects/${studio.projectId}`;
    await call("eng", "POST", `${url}/revisions`, {
      baseRevision: (await call("eng", "GET", url)).json().currentRevision,
      operations: [{ type: "param.set", trackId: "master", path: "faderDb", value: -2 }],
    });
    const [newest] = (await call("pro", "GET", `${url}/revisions`)).json().revisions;
    expect(newest).toMatchObject({ authorId: studio.accountId("eng"), authorName: "eng" });
  });

  it("saves a whole document as a new revision, checked against the project's files", async () => {
    const { project } = (await importFile("folder", folderZip(), "Pushed", "pro")).json();
    const url = `/api/projects/${project.id}`;
    const changed = songDocument();
    changed.song.title = "Pushed Again";
    const saved = await call("pro", "PUT", `${url}/document`, {
      baseRevision: 1,
      document: changed,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ ok: true, revision: 2 });
    const read = (await call("pro", "GET", `${url}?include=document`)).json();
    expect(read).toMatchObject({
      currentRevision: 2,
      document: { song: { title: "Pushed Again" } },
    });
    const stale = await call("pro", "PUT", `${url}/document`, {
      baseRevision: 1,
      document: changed,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentRevision).toBe(2);
    const missing = songDocument();
    missing.sources[0].file = "audio/elsewhere.wav";
    const refused = await call("pro", "PUT", `${url}/document`, {
      baseRevision: 2,
      document: missing,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe("E_SOURCE_FILE_MISSING");
    await studio.store.setMemberRole(project.id, studio.accountId("eng"), "engineer");
    const engineer = await call("eng", "PUT", `${url}/document`, {
      baseRevision: 2,
      document: changed,
    });
    expect(engineer.statusCode).toBe(403);
  });
});
