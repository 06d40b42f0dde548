import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { ShellPage } from '../pages/shell.page';

const root = path.resolve(__dirname, '../..');

test('the desktop app opens hardened, and every section is reachable', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-electron-'));
  const app = await electron.launch({ args: [root, `--user-data-dir=${home}`], cwd: root });
  const page = await app.firstWindow();
  const shell = new ShellPage(page);
  // A first start opens the guided setup.
  await expect(shell.heading('Set up Backstack')).toBeVisible();

  // The renderer has no Node, and only the contract's invoke/on.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => Object.keys((window as unknown as { api: object }).api).sort())).toEqual(['invoke', 'on']);
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  // Navigation away from the app is refused.
  await page.evaluate(() => (location.href = 'https://example.org/'));
  await expect(shell.heading('Set up Backstack')).toBeVisible();

  for (const section of ShellPage.sections) {
    await shell.nav(section).click();
    await expect(shell.heading(section)).toBeVisible();
    await page.screenshot({ path: path.join(root, 'e2e', 'screenshots', `electron-${section.toLowerCase()}.png`) });
  }
  await app.close();
  fs.rmSync(home, { recursive: true, force: true });
});
