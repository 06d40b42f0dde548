import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    // Worker threads load their own entries (zstd-napi stays external, as a native module).
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          'chunk-worker': resolve(__dirname, 'electron/engine/workers/chunk-worker.ts'),
          'nbd-reader-worker': resolve(__dirname, 'electron/transfer/libvirt-ssh/nbd-reader-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload can require only 'electron': everything else (zod) is bundled into one CommonJS file.
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'electron/preload/index.ts') }, output: { format: 'cjs' } } },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } } },
  },
});
