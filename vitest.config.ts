import { defineConfig } from "vitest/config";

/**
 * Every suite once; the server's suites (server/) a second time on the PostgreSQL server in
 * TEST_DATABASE_URL (.ci/run starts one), as the store's suites run on both databases.
 */
const postgres = process.env.TEST_DATABASE_URL?.trim();
if (!postgres) {
  console.warn("TEST_DATABASE_URL is not set: the server's suites run on PGlite only");
}

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: "all", include: ["**/*.test.ts"], exclude: ["node_modules/**"] },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: "server on PostgreSQL",
                include: ["server/**/*.test.ts"],
                env: { STUDIO_TEST_DATABASE: "PostgreSQL" },
              },
            },
          ]
        : []),
    ],
  },
});
