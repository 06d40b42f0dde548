import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Lab tests talk to a real cloud (the local lab by default, see README.md): one worker, one file
// at a time, generous timeouts; waiting inside tests polls with a deadline (support/lab.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite/lab', import.meta.url)),
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 10 * 60_000,
    reporters: ['default'],
  },
});
