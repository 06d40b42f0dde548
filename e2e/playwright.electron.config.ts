import { defineConfig } from '@playwright/test';

/** The desktop app itself, through Playwright's Electron driver (needs Electron's binary). */
export default defineConfig({
  testDir: './electron',
  outputDir: '../test-results/electron',
  workers: 1,
  reporter: [['list']],
  timeout: 60_000,
});
