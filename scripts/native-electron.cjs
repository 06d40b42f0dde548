#!/usr/bin/env node
// The desktop app's own build of better-sqlite3 (a V8-API addon, tied to one runtime's ABI), kept beside
// node_modules' Node build instead of replacing it: the CLI, console mode and tests go on loading the
// Node build, and a failed Electron build (offline, no headers) leaves nothing broken behind.
// electron/lib/native-modules.ts picks it at runtime from the same path.
//
//   node scripts/native-electron.cjs [--force]     (npm run rebuild:electron; npm start and npm run package call it too)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.join(__dirname, '..');
const MODULE = 'better-sqlite3';
const HEADERS = process.env.ELECTRON_REBUILD_DIST_URL || 'https://www.electronjs.org/headers';

/** Electron's version and NODE_MODULE_VERSION, read from its package without starting it. */
function electronTarget(root = ROOT) {
  const dir = path.join(root, 'node_modules', 'electron');
  try {
    const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const abi = Number(fs.readFileSync(path.join(dir, 'abi_version'), 'utf8').trim());
    return Number.isInteger(abi) ? { version, abi } : null;
  } catch {
    return null;
  }
}

/** Must match electronNativeDir() in electron/lib/native-modules.ts (scripts/native-electron.test.ts checks). */
function electronSqlitePath(root, abi, platform = process.platform, arch = process.arch) {
  return path.join(root, 'native', `electron-${abi}-${platform}-${arch}`, 'better_sqlite3.node');
}

/** The ABI a compiled addon was built for, from its exported initializer's name; undefined for N-API. */
function binaryAbi(file) {
  const m = /node_register_module_v(\d+)/.exec(fs.readFileSync(file).toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

function moduleVersion(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', MODULE, 'package.json'), 'utf8')).version;
}

function stampOf(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'build.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Checks a fresh build's ABI, then moves it into native/ with a stamp saying what it was built from. */
function install(built, file, stamp) {
  const abi = binaryAbi(built);
  if (abi !== stamp.abi) throw new Error(`the build came out for ABI ${abi ?? 'N-API'}, not Electron's ${stamp.abi}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(built, `${file}.part`);
  fs.renameSync(`${file}.part`, file);
  fs.writeFileSync(path.join(path.dirname(file), 'build.json'), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Whether a URL answers within a few seconds: offline machines fail fast instead of hanging in node-gyp. */
async function reachable(url) {
  try {
    const r = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(8000) });
    return r.status < 400;
  } catch {
    return false;
  }
}

function headersCached(version) {
  const gyp = path.join(os.homedir(), '.electron-gyp');
  return [path.join(gyp, version), path.join(gyp, '_p', MODULE, version)].some((d) => fs.existsSync(path.join(d, 'include', 'node', 'node.h')));
}

/**
 * Makes sure native/electron-<abi>-<platform>-<arch>/better_sqlite3.node exists for the installed Electron
 * and better-sqlite3, building it once with @electron/rebuild in a staging copy (.tmp/) — a prebuilt
 * download where better-sqlite3 publishes one, else a compile against Electron's headers.
 * Resolves { ok: true, file, built } or { ok: false, reason } (one line, for the caller to print).
 */
async function ensureElectronSqlite({ root = ROOT, force = false, log = console.log } = {}) {
  const target = electronTarget(root);
  if (!target) return { ok: false, reason: "Electron's version and ABI cannot be read from node_modules/electron" };
  const file = electronSqlitePath(root, target.abi);
  const stamp = {
    module: MODULE,
    version: moduleVersion(root),
    electron: target.version,
    abi: target.abi,
    platform: process.platform,
    arch: process.arch,
  };
  const old = stampOf(file);
  if (!force && fs.existsSync(file) && old?.version === stamp.version && old?.electron === stamp.electron) return { ok: true, file, built: false };

  let rebuildEntry;
  try {
    rebuildEntry = require.resolve('@electron/rebuild', { paths: [root] });
  } catch {
    return { ok: false, reason: '@electron/rebuild is not installed (run `npm install`)' };
  }
  const prebuilt = `https://github.com/WiseLibs/better-sqlite3/releases/download/v${stamp.version}/${MODULE}-v${stamp.version}-electron-v${target.abi}-${process.platform}-${process.arch}.tar.gz`;
  const buildFromSource = !(await reachable(prebuilt));
  if (
    buildFromSource &&
    !headersCached(target.version) &&
    !(await reachable(`${HEADERS}/v${target.version}/node-v${target.version}-headers.tar.gz`))
  ) {
    return {
      ok: false,
      reason: `neither a prebuilt ${MODULE} nor Electron ${target.version}'s headers (${HEADERS}) can be downloaded from here; it needs the network once`,
    };
  }

  log(
    `Building ${MODULE} ${stamp.version} for Electron ${target.version} (ABI ${target.abi}), once${buildFromSource ? ': compiling, a minute or two' : ''}…`,
  );
  // A staging copy inside the project: node resolution still finds prebuild-install in node_modules, while
  // @electron/rebuild, rooted at the copy, cannot reach node_modules' own build.
  const stage = path.join(root, '.tmp', 'electron-native');
  fs.rmSync(stage, { recursive: true, force: true });
  const source = path.join(root, 'node_modules', MODULE);
  const copy = path.join(stage, 'node_modules', MODULE);
  fs.cpSync(source, copy, { recursive: true, filter: (src) => src !== path.join(source, 'build') });
  fs.writeFileSync(
    path.join(stage, 'package.json'),
    JSON.stringify({ name: 'backstack-electron-native', private: true, dependencies: { [MODULE]: stamp.version } }),
  );
  try {
    const { rebuild } = await import(pathToFileURL(rebuildEntry).href);
    await rebuild({
      buildPath: stage,
      projectRootPath: stage,
      electronVersion: target.version,
      arch: process.arch,
      platform: process.platform,
      onlyModules: [MODULE],
      force: true,
      buildFromSource,
      headerURL: HEADERS,
    });
    install(path.join(copy, 'build', 'Release', 'better_sqlite3.node'), file, stamp);
    return { ok: true, file, built: true };
  } catch (e) {
    const reason = String(e?.message ?? e).split('\n')[0];
    return { ok: false, reason: /node-gyp|make|compil/i.test(reason) ? `${reason} (compiling needs python3, make and a C++ compiler)` : reason };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  ensureElectronSqlite({ force: process.argv.includes('--force') }).then((r) => {
    if (r.ok) {
      console.log(`${r.built ? 'Built' : 'Up to date'}: ${path.relative(ROOT, r.file)}`);
    } else {
      console.error(`Cannot build ${MODULE} for Electron: ${r.reason}.`);
      process.exitCode = 1;
    }
  });
}

module.exports = { electronTarget, electronSqlitePath, binaryAbi, install, ensureElectronSqlite };
