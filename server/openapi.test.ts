import { spawnSync } from "node:child_process";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leafOperations } from "../music/operations.ts";
import { type StudioUnderTest, studioUnderTest } from "./test-support.ts";

/**
 * The API explains itself: its OpenAPI document is valid, every route says what it does and
 * what it needs, every edit is a named schema, the feed is described, and the types the web
 * studio is built on (web/api/) are what the server documents now.
 */
let studio: StudioUnderTest;
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read as plain JSON
let spec: any;

beforeAll(async () => {
  studio = await studioUnderTest({ producer: "producer" }, { jobs: "queue only" });
  spec = (await studio.app.inject("/api/docs/json")).json();
}, 60_000);
afterAll(() => studio?.close());

const operations = () =>
  Object.entries(spec.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
    ([route, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${route}`,
        operation,
      })),
  );

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3", async () => {
    expect(spec.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(spec))).resolves.toBeTruthy();
  });

  it("gives every API route a summary, a description and the permission it needs", () => {
    const api = operations().filter(({ name }) => name.includes(" /api/"));
    expect(api.length).toBeGreaterThan(20);
    for (const { name, operation } of api) {
      expect(operation.summary, name).toEqual(expect.any(String));
      expect(operation.description, name).toEqual(expect.any(String));
      expect(operation["x-permission"], name).toEqual(expect.any(String));
      expect(operation.responses, name).toHaveProperty("4XX");
    }
  });

  it("names every kind of edit as a schema with its fields", () => {
    const schemas = spec.components.schemas as Record<string, { properties?: object }>;
    for (const leaf of leafOperations) {
      const type = leaf.shape.type.value;
      const named = Object.entries(schemas).find(
        ([, schema]) =>
          (schema.properties as { type?: { enum?: string[] } } | undefined)?.type?.enum?.[0] ===
          type,
      );
      expect(named, type).toBeDefined();
      expect(named![0]).toMatch(/^[A-Z][A-Za-z]+Operation(Input)?$/);
      expect(Object.keys(named![1].properties!).length, type).toBeGreaterThan(1);
    }
    const save = spec.paths["/api/projects/{projectId}/revisions"].post;
    expect(
      save.requestBody.content["application/json"].schema.properties.operations.items.$ref,
    ).toBe("#/components/schemas/OperationInput");
  });

  it("describes the WebSocket feed, its messages and its close codes", () => {
    const feed = spec.paths["/api/projects/{projectId}/feed"].get;
    expect(feed["x-websocket"].messages.$ref).toBe("#/components/schemas/FeedMessage");
    expect(Object.keys(feed["x-websocket"].closeCodes)).toEqual(["4401", "4403", "4404"]);
    const message = spec.components.schemas.FeedMessage;
    const kinds = (message.oneOf ?? message.anyOf).map((m: { $ref: string }) => m.$ref);
    expect(kinds).toEqual([
      "#/components/schemas/FeedSubscribed",
      "#/components/schemas/FeedRevision",
      "#/components/schemas/FeedJob",
      "#/components/schemas/FeedProduction",
    ]);
    expect(spec.components.schemas.FeedJob.properties).toHaveProperty("error");
  });

  it("is what the web studio's committed API types were made from", () => {
    const generate = path.join(import.meta.dirname, "../tools/api-types/generate.ts");
    const check = spawnSync(process.execPath, [generate, "--check"], { encoding: "utf8" });
    expect(check.stderr + check.stdout).toMatch(/matches/);
    expect(check.status).toBe(0);
  });
});
