import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web studio's build. `npm run dev` serves it from source and proxies the API (and the
 * change feed's WebSocket) to a studio already running at CONTROLROOM_URL, by default the
 * port `controlroom serve` listens on.
 */
const studio = process.env.CONTROLROOM_URL ?? "http://127.0.0.1:4321";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // One target and no source maps keep the output the same for the same sources.
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // The same isolation the studio server sends, so SharedArrayBuffer works in development too.
    headers: {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    },
    proxy: {
      "/api": { target: studio, ws: true, changeOrigin: false },
      "/health": studio,
      "/ready": studio,
    },
  },
});
