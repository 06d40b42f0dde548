#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary exists, else console mode in the browser.
const { spawnSync, spawn } = require('node:child_process');
const path = require('node:path');
const { electronBinary } = require('./electron-binary.cjs');
const { electronTarget, ensureElectronSqlite } = require('./native-electron.cjs');

const root = path.join(__dirname, '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function consoleMode() {
  run(npx, ['vite', 'build', '--logLevel', 'warn', '--config', 'renderer/vite.config.mts']);
  // Console mode runs through the built CLI: rebuild it so it runs the sources as they are now.
  run(npx, ['vite', 'build', '--configLoader', 'runner', '--config', 'electron/cli/vite.config.mts']);
  const child = spawn(process.execPath, [path.join(root, 'bin', 'backstack.cjs'), 'console', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function desktop(bin) {
  // The app's SQLite module must match Electron's ABI, not Node's: built once beside node_modules' Node build.
  const native = await ensureElectronSqlite();
  if (!native.ok) {
    const electron = electronTarget()?.version ?? '';
    console.log(
      `Cannot build the SQLite module for Electron ${electron}: ${native.reason}. Fix that and run \`npm run rebuild:electron\`; starting Backstack in console mode meanwhile.`,
    );
    consoleMode();
    return;
  }
  run(npx, ['electron-vite', 'build']);
  const child = spawn(bin, ['.'], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const bin = electronBinary();
if (bin) {
  void desktop(bin);
} else {
  console.log("Electron's binary is not installed on this machine (headless or offline): starting Backstack in console mode instead.");
  consoleMode();
}
