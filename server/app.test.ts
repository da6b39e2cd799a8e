import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./app.ts";

describe("the studio server", () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let ready = true;
  beforeAll(async () => {
    app = await buildServer({ ready: async () => ready });
  });
  afterAll(() => app.close());

  it("answers health and readiness, and 503 when the database does not answer", async () => {
    expect((await app.inject("/health")).json()).toEqual({ ok: true });
    expect((await app.inject("/ready")).json()).toEqual({ ok: true, database: "ready" });
    ready = false;
    const down = await app.inject("/ready");
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ ok: false, database: "unavailable" });
    ready = true;
  });

  it("serves its OpenAPI document and the page that describes it", async () => {
    const spec = (await app.inject("/api/docs/json")).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/health", "/ready"]));
    const ui = await app.inject("/api/docs");
    expect([200, 302]).toContain(ui.statusCode);
    const home = await app.inject("/");
    expect(home.headers["content-type"]).toContain("text/html");
    expect(home.body).toContain('href="/api/docs"');
  });

  it("gives an unknown route a 404 in the one error shape", async () => {
    const response = await app.inject("/api/nothing-here");
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      ok: false,
      error: { code: "E_NOT_FOUND", message: "GET /api/nothing-here is not a route" },
    });
  });
});
