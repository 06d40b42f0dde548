import chromium from './chromium.json';
import { defineConfig } from '@playwright/test';

/**
 * Journeys in Debian's Chromium against console mode (the same renderer and core as the
 * desktop app). Browsers are never downloaded: /usr/bin/chromium is used.
 */
export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results',
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    viewport: { width: 1360, height: 860 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? chromium.executablePath, args: chromium.args },
    trace: 'retain-on-failure',
  },
});
