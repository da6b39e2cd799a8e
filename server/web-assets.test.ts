import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./app.ts";
import { builtWebApp } from "./node/web-assets.ts";
import { CONTENT_SECURITY_POLICY } from "./security-headers.ts";

/** The web studio's build as the server serves it, on a small stand-in build. */
describe("the built web studio", () => {
  const root = path.join(tmpdir(), `controlroom-web-${process.pid}-${Date.now()}`);
  const dist = path.join(root, "dist");
  let app: Awaited<ReturnType<typeof buildServer>>;

  beforeAll(async () => {
    await mkdir(path.join(dist, "assets"), { recursive: true });
    await writeFile(path.join(dist, "index.html"), "<!doctype html><title>Control Room</title>");
    await writeFile(path.join(dist, "assets", "index-abc123.js"), "export {};\n");
    await writeFile(path.join(root, "secret.txt"), "not for the web");
    app = await buildServer({ web: builtWebApp(dist) });
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it("serves the app at / with isolation headers and the CSP", async () => {
    const response = await app.inject("/");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("<title>Control Room</title>");
    expect(response.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(response.headers["cross-origin-embedder-policy"]).toBe("require-corp");
    expect(response.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it("serves hashed assets with their type, cached for good", async () => {
    const response = await app.inject("/assets/index-abc123.js");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/javascript/);
    expect(response.headers["cache-control"]).toContain("immutable");
  });

  it("answers the app's own paths with its page, and the API's unknown paths with the error shape", async () => {
    for (const url of ["/projects/abc", "/invitation", "/sign-in?next=%2F"]) {
      const page = await app.inject(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain("<title>Control Room</title>");
    }
    const api = await app.inject("/api/nope");
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ ok: false, error: { code: "E_NOT_FOUND" } });
    expect(api.headers["cross-origin-embedder-policy"]).toBe("require-corp");
    const missingAsset = await app.inject("/assets/missing.js");
    expect(missingAsset.statusCode).toBe(404);
  });

  it("refuses paths that climb out of the build", async () => {
    for (const url of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const response = await app.inject(url);
      expect(response.body, url).not.toContain("not for the web");
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
    }
  });

  it("keeps the page that points at the API when there is no build", async () => {
    expect(builtWebApp(path.join(dist, "missing"))).toBeUndefined();
    const bare = await buildServer({});
    try {
      const home = await bare.inject("/");
      expect(home.body).toContain("/api/docs");
      expect(home.headers["cross-origin-opener-policy"]).toBe("same-origin");
    } finally {
      await bare.close();
    }
  });
});
