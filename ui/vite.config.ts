/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Tauri serves ui/dist; the dev server is only for working on the UI in a browser,
// where src/api/memory.ts stands in for the backend.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  esbuild: { jsx: "automatic" },
  build: { target: "safari16", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
