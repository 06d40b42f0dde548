import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** Journeys that need a real cloud (the local lab, or BACKSTACK_TEST_CLOUD): part of `npm run test:lab`. */
export default defineConfig({
  ...base,
  testDir: './lab-journeys',
  outputDir: '../test-results/lab',
  timeout: 5 * 60_000,
});
