import { createHash, randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wavHeader } from "../formats/wav/writer.ts";
import type { FolderBlobStore } from "../store/node/folder-blob-store.ts";
import { toneFile } from "./test-audio.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/** Uploading, listing and downloading a project's files over HTTP, on a real store. */
let studio: StudioUnderTest;
let small: StudioUnderTest;
/** Where `studio` listens: some tests need a real socket. */
let port: number;
const SMALL_LIMIT = 64 * 1024;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A mono 16-bit WAV of `frames` frames of noise. */
function wav(frames: number): Uint8Array {
  const header = wavHeader({
    channels: 1,
    sampleRate: 48_000,
    encoding: "int",
    bitsPerSample: 16,
    frames,
  });
  return Buffer.concat([header, randomBytes(frames * 2)]);
}

/** A 1×1 PNG, made the way PNG (ISO/IEC 15948) says: signature, IHDR, IDAT, IEND. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from([0, 255, 0, 0, 255]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
const PNG = png();
/** The start of a FLAC stream: the marker and a STREAMINFO block. */
const FLAC = Buffer.concat([Buffer.from("fLaC"), Buffer.from([0x80, 0, 0, 34]), randomBytes(34)]);

beforeAll(async () => {
  [studio, small] = await Promise.all([
    studioUnderTest({ pro: "producer", mus: "musician", view: "viewer", out: null }),
    studioUnderTest({ pro: "producer" }, { server: { uploadLimit: SMALL_LIMIT } }),
  ]);
  port = await listen(studio);
}, 60_000);
afterAll(async () => {
  await studio?.close();
  await small?.close();
});

async function listen(where: StudioUnderTest): Promise<number> {
  await where.app.listen({ port: 0, host: "127.0.0.1" });
  const address = where.app.server.address();
  return typeof address === "object" && address ? address.port : 0;
}

async function put(
  where: StudioUnderTest,
  who: string,
  name: string,
  payload: Uint8Array,
  headers: Record<string, string> = {},
) {
  const session = await where.signIn(who);
  return where.app.inject({
    method: "PUT",
    url: `/api/projects/${where.projectId}/files/${name}`,
    headers: {
      cookie: session.cookie,
      "x-csrf-token": session.csrf,
      "content-type": "application/octet-stream",
      ...headers,
    },
    payload: Buffer.from(payload),
  });
}

async function fileNames(where: StudioUnderTest): Promise<string[]> {
  return (await where.store.listFiles(where.projectId)).map((file) => file.name);
}

/** Blobs recorded, and temporary files a refused upload might have left behind. */
async function blobState(where: StudioUnderTest) {
  const tmp = path.join((where.store.blobs as FolderBlobStore).root, "tmp");
  return {
    recorded: (await where.store.checkBlobs()).recorded,
    temporary: await readdir(tmp).catch(() => []),
  };
}

describe("uploading and downloading files", () => {
  it("streams a take in and out byte for byte, with its type, length and audit entry", async () => {
    // Larger than the 8 MiB JSON limit: uploads have their own.
    const take = wav(4_800_000);
    expect(take.length).toBeGreaterThan(8 * 1024 * 1024);
    const base = `http://127.0.0.1:${port}`;
    const mus = await studio.signIn("mus");
    const url = `${base}/api/projects/${studio.projectId}/files/audio/vocal%20take%201.wav`;
    const uploaded = await fetch(url, {
      method: "PUT",
      headers: {
        cookie: mus.cookie,
        "x-csrf-token": mus.csrf,
        "content-type": "audio/wav",
        "x-content-sha256": sha256(take).toUpperCase(),
      },
      body: take,
    });
    expect(uploaded.status, await uploaded.clone().text()).toBe(200);
    expect(await uploaded.json()).toEqual({
      ok: true,
      file: {
        name: "audio/vocal take 1.wav",
        sha256: sha256(take),
        size: take.length,
        mediaType: "audio/wav",
        audio: {
          codec: "wav",
          sampleRate: 48_000,
          channels: 1,
          frames: 4_800_000,
          durationSeconds: 100,
        },
      },
    });

    const view = await studio.signIn("view");
    const listed = await fetch(`${base}/api/projects/${studio.projectId}/files`, {
      headers: { cookie: view.cookie },
    });
    expect(((await listed.json()) as { files: unknown[] }).files).toMatchObject([
      { name: "audio/vocal take 1.wav", sha256: sha256(take), size: take.length },
    ]);

    const downloaded = await fetch(url, { headers: { cookie: view.cookie } });
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get("content-type")).toBe("audio/wav");
    expect(downloaded.headers.get("content-length")).toBe(String(take.length));
    expect(downloaded.headers.get("content-disposition")).toBe(
      "attachment; filename*=UTF-8''vocal%20take%201.wav",
    );
    expect(downloaded.headers.get("x-content-type-options")).toBe("nosniff");
    const back = new Uint8Array(await downloaded.arrayBuffer());
    expect(back.length).toBe(take.length);
    expect(sha256(back)).toBe(sha256(take));

    const [entry] = await studio.store.listAudit(studio.projectId, { limit: 1 });
    expect(entry).toMatchObject({
      actorId: studio.accountId("mus"),
      event: "file.uploaded",
      subject: "file:audio/vocal take 1.wav",
      detail: { name: "audio/vocal take 1.wav", sha256: sha256(take), size: take.length },
    });
  });

  it("answers a file that is not there with 404", async () => {
    const pro = await studio.signIn("pro");
    const missing = await studio.app.inject({
      url: `/api/projects/${studio.projectId}/files/audio/nothing.wav`,
      headers: { cookie: pro.cookie },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe("there is no file audio/nothing.wav in this project");
  });

  it("refuses names that climb out, are absolute or absurd, with 400 naming the field", async () => {
    const before = await fileNames(studio);
    const pro = await studio.signIn("pro");
    const names: [string, string][] = [
      ["..%2F..%2Fetc%2Fpasswd", "climbs with . or .."],
      ["%2Fetc%2Fpasswd", "is an absolute path"],
      ["audio%5C..%5Cx.wav", "contains a backslash"],
      ["audio/x%00.wav", "contains a control character"],
      ["audio/x%0A.wav", "contains a control character"],
      ["audio//x.wav", "has an empty part between slashes"],
      ["C:/x.wav", "names a drive"],
      [`audio/${"x".repeat(600)}.wav`, "characters long"],
    ];
    for (const [name, why] of names) {
      for (const method of ["PUT", "GET"] as const) {
        const response = await studio.app.inject({
          method,
          url: `/api/projects/${studio.projectId}/files/${name}`,
          headers: {
            cookie: pro.cookie,
            "x-csrf-token": pro.csrf,
            "content-type": "audio/wav",
          },
          ...(method === "PUT" ? { payload: Buffer.from(wav(10)) } : {}),
        });
        expect(response.statusCode, `${method} ${name}: ${response.body}`).toBe(400);
        expect(response.json().error).toMatchObject({ code: "E_STORE_FILE_NAME", subject: "name" });
        expect(response.json().error.message).toContain(why);
      }
    }
    expect(await fileNames(studio)).toEqual(before);
  });

  it("refuses ../ sent as it is, which browsers and fetch would have resolved", async () => {
    const pro = await studio.signIn("pro");
    for (const name of ["audio/../../../etc/passwd", "%2e%2e/%2E%2E/x.wav", "./x.wav"]) {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: "127.0.0.1",
            port,
            method: "GET",
            path: `/api/projects/${studio.projectId}/files/${name}`,
            headers: { cookie: pro.cookie },
          },
          (response) => {
            let body = "";
            response.on("data", (chunk) => {
              body += chunk;
            });
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on("error", reject);
        request.end();
      });
      expect(answer.status, `${name}: ${answer.body}`).toBe(400);
      expect(JSON.parse(answer.body).error).toMatchObject({
        code: "E_STORE_FILE_NAME",
        subject: "name",
      });
    }
  });

  it("refuses a PNG, text, or FLAC uploaded as a WAV, naming the file, and keeps nothing", async () => {
    const before = await blobState(studio);
    const cases: [string, Uint8Array, string][] = [
      ["audio/x.wav", PNG, "its bytes are image/png (png), not audio"],
      ["audio/take 2.wav", Buffer.from("just some words, no audio\n".repeat(20)), "not audio"],
      ["audio/notes", Buffer.from("no extension, but under audio/"), "not audio"],
      ["mixes/final.WAV", PNG, "not audio"],
      ["audio/bass.wav", FLAC, "its name says WAV but its bytes are FLAC"],
      ["audio/empty.wav", new Uint8Array(0), "not audio"],
    ];
    for (const [name, bytes, why] of cases) {
      const response = await put(studio, "mus", name, bytes);
      expect(response.statusCode, `${name}: ${response.body}`).toBe(415);
      expect(response.json().error).toMatchObject({ code: "E_UPLOAD_NOT_AUDIO", subject: name });
      expect(response.json().error.message).toContain(name);
      expect(response.json().error.message).toContain(why);
    }
    const names = await fileNames(studio);
    for (const [name] of cases) expect(names).not.toContain(name);
    expect(await blobState(studio)).toEqual(before);
  });

  it("takes FLAC as .flac, and files that are not audio with the type their bytes show", async () => {
    const flac = await put(studio, "mus", "audio/bass.flac", await toneFile("flac"));
    expect(flac.statusCode, flac.body).toBe(200);
    expect(flac.json().file).toMatchObject({
      mediaType: "audio/flac",
      audio: { codec: "flac", sampleRate: 44_100, channels: 2, frames: 44_100 },
    });
    const cover = await put(studio, "pro", "artwork/cover.png", PNG, {
      "content-type": "text/html",
    });
    expect(cover.json().file.mediaType).toBe("image/png");
    const notes = await put(studio, "pro", "notes/lyrics.txt", Buffer.from("la la la"), {
      "content-type": "text/html",
    });
    expect(notes.statusCode).toBe(200);
    // What the client declared is not trusted: the file is served back to others.
    expect(notes.json().file.mediaType).toBe("application/octet-stream");
  });

  it("refuses bytes that do not hash to x-content-sha256, and a malformed one", async () => {
    const before = await blobState(studio);
    const take = wav(1000);
    const wrong = await put(studio, "mus", "audio/wrong.wav", take, {
      "x-content-sha256": sha256(wav(1000)),
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: "E_BLOB_HASH_MISMATCH",
      subject: "x-content-sha256",
    });
    expect(wrong.json().error.message).toContain("audio/wrong.wav");
    const malformed = await put(studio, "mus", "audio/wrong.wav", take, {
      "x-content-sha256": "abc",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toContain("x-content-sha256");
    expect(await fileNames(studio)).not.toContain("audio/wrong.wav");
    expect(await blobState(studio)).toEqual(before);
  });

  it("refuses an upload over the limit with 413, whether or not it says its length", async () => {
    const before = await blobState(small);
    const big = wav(SMALL_LIMIT);
    const declared = await put(small, "pro", "audio/big.wav", big);
    expect(declared.statusCode, declared.body).toBe(413);
    // Sent in chunks over a socket, with no length: refused once the bytes pass the limit.
    const smallPort = await listen(small);
    const pro = await small.signIn("pro");
    let at = 0;
    const streamed = await fetch(
      `http://127.0.0.1:${smallPort}/api/projects/${small.projectId}/files/audio/big.wav`,
      {
        method: "PUT",
        headers: { cookie: pro.cookie, "x-csrf-token": pro.csrf, "content-type": "audio/wav" },
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            if (at >= big.length) return controller.close();
            controller.enqueue(big.slice(at, at + 4096));
            at += 4096;
          },
        }),
        duplex: "half",
      } as RequestInit,
    );
    for (const body of [declared.json(), await streamed.json()]) {
      expect(body).toEqual({
        ok: false,
        error: {
          code: "E_TOO_LARGE",
          message: `audio/big.wav is larger than the upload limit of ${SMALL_LIMIT} bytes; nothing was kept`,
          subject: "audio/big.wav",
        },
      });
    }
    expect(streamed.status).toBe(413);
    expect(await fileNames(small)).toEqual([]);
    expect(await blobState(small)).toEqual(before);
    const fits = await put(small, "pro", "audio/small.wav", wav(SMALL_LIMIT / 2 - 100));
    expect(fits.statusCode).toBe(200);
  });

  it("lets a viewer download but not upload, and hides the files from outsiders", async () => {
    const refused = await put(studio, "view", "audio/viewer.wav", wav(10));
    expect(refused.statusCode).toBe(403);
    const hidden = await put(studio, "out", "audio/outsider.wav", wav(10));
    expect(hidden.statusCode).toBe(404);
    const names = await fileNames(studio);
    expect(names).not.toContain("audio/viewer.wav");
    expect(names).not.toContain("audio/outsider.wav");
  });
});
