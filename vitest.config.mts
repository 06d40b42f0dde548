import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code. Lab tests (e2e/lab) and Playwright journeys (e2e/specs) have their own runners.
export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
  },
});
