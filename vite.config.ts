// Builds the renderer alone for browser mode (`npm run web`); electron.vite.config.ts builds it for the desktop app.

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../out/web', emptyOutDir: true, sourcemap: true },
});
