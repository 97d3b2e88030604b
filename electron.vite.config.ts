// Builds the desktop app: main (ESM) -> out/main/index.js, sandboxed preload (CommonJS) -> out/preload/index.cjs,
// renderer (src-renderer/index.html) -> out/renderer. No Electron binary is needed to build.

import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Runtime dependencies (imapflow, nodemailer, mailparser, ws, birpc) stay external: electron-builder
      // packs them into app.asar's node_modules.
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/main.ts') },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can require only 'electron' (and a few Node built-ins): bundle everything else.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: {
        input: resolve(root, 'src-renderer/index.html'),
      },
    },
  },
});
