#!/usr/bin/env node
// The desktop journey runs where Electron's binary exists; here it says so instead of failing or pretending.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { electronBinary } = require('./electron-binary.cjs');
const { ensureElectronSqlite } = require('./native-electron.cjs');

if (!electronBinary()) {
  console.log("Electron journey not run: Electron's binary is not installed on this machine (the console journeys cover the same renderer and core).");
  process.exit(0);
}
const root = path.join(__dirname, '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
void ensureElectronSqlite().then((native) => {
  // Electron is here, so the journey must run: a missing Electron build of SQLite is a failure, not a skip.
  if (!native.ok) {
    console.error(`Electron journey cannot run: the SQLite module cannot be built for Electron (${native.reason}).`);
    process.exit(1);
  }
  for (const args of [['electron-vite', 'build'], ['playwright', 'test', '--config', 'e2e/playwright.electron.config.ts']]) {
    const r = spawnSync(npx, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
});
