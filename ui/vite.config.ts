/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Tauri serves ui/dist. The backend is the Rust core only: in a plain browser the app
// says it needs its window.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  esbuild: { jsx: "automatic" },
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // TipTap marks its React entry "use client" for server frameworks; meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
