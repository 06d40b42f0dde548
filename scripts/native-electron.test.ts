import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteNativeBinding } from '../electron/lib/native-modules';
import { canPatchAbi, copyWithModuleVersion } from '../electron/lib/testing/abi-patch';

const require = createRequire(import.meta.url);
interface Result {
  ok: boolean;
  file?: string;
  built?: boolean;
  reason?: string;
}
const native = require('./native-electron.cjs') as {
  electronTarget(root?: string): { version: string; abi: number } | null;
  electronSqlitePath(root: string, abi: number, platform?: string, arch?: string): string;
  binaryAbi(file: string): number | undefined;
  install(built: string, file: string, stamp: { abi: number } & Record<string, unknown>): void;
  ensureElectronSqlite(opts: { root: string; log?: (s: string) => void }): Promise<Result>;
};
const root = path.join(path.dirname(require.resolve('./native-electron.cjs')), '..');
const nodeBuild = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const sqliteVersion = (require('better-sqlite3/package.json') as { version: string }).version;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-native-electron-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A project folder with just what the script reads: Electron's version and ABI, better-sqlite3's version. */
function fakeProject(name: string, electron?: { version: string; abi: number }): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'node_modules', 'better-sqlite3'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ version: sqliteVersion }));
  if (electron) {
    fs.mkdirSync(path.join(dir, 'node_modules', 'electron'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: electron.version }));
    fs.writeFileSync(path.join(dir, 'node_modules', 'electron', 'abi_version'), `${electron.abi}\n`);
  }
  return dir;
}

describe('the Electron build of better-sqlite3', () => {
  it('is written where the app looks for it', () => {
    for (const [platform, arch] of [
      ['linux', 'x64'],
      ['darwin', 'arm64'],
      ['win32', 'x64'],
    ] as const) {
      const versions = { node: '22.20.0', modules: '150', electron: '45.5.0' };
      expect(native.electronSqlitePath('/src/backstack', 150, platform, arch)).toBe(
        sqliteNativeBinding('/src/backstack', { versions, platform, arch }),
      );
    }
  });

  it("reads Electron's version and ABI from its package, without starting it", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const target = native.electronTarget(root);
    expect(target?.version).toBe(pkg.devDependencies.electron);
    expect(target?.abi).toBeGreaterThan(Number(process.versions.modules));
    expect(native.electronTarget(fakeProject('no-electron'))).toBeNull();
  });

  it("tells an addon's ABI from its exported initializer, and N-API modules apart", () => {
    expect(native.binaryAbi(nodeBuild)).toBe(Number(process.versions.modules));
    const zstd = path.join(path.dirname(require.resolve('zstd-napi/package.json')), 'build', 'Release', 'binding.node');
    expect(native.binaryAbi(zstd)).toBeUndefined();
  });

  it('refuses to install a build that came out for another ABI', () => {
    const file = path.join(tmp, 'refused', 'better_sqlite3.node');
    expect(() => native.install(nodeBuild, file, { abi: 150 })).toThrow(`the build came out for ABI ${process.versions.modules}, not Electron's 150`);
    expect(fs.existsSync(file)).toBe(false);
  });

  it.runIf(canPatchAbi)('is built once: a current build with its stamp is used as it is', async () => {
    const project = fakeProject('current', { version: '45.5.0', abi: 150 });
    const built = path.join(tmp, 'abi150.node');
    copyWithModuleVersion(nodeBuild, built, 150);
    const file = native.electronSqlitePath(project, 150);
    native.install(built, file, { module: 'better-sqlite3', version: sqliteVersion, electron: '45.5.0', abi: 150 });
    const logs: string[] = [];
    expect(await native.ensureElectronSqlite({ root: project, log: (s) => logs.push(s) })).toEqual({ ok: true, file, built: false });
    expect(logs).toEqual([]);
  });

  it('rebuilds when Electron changed since, and says in one line why it cannot', async () => {
    const project = fakeProject('stale', { version: '45.6.0', abi: 150 });
    const file = native.electronSqlitePath(project, 150);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'old');
    fs.writeFileSync(path.join(path.dirname(file), 'build.json'), JSON.stringify({ version: sqliteVersion, electron: '45.5.0', abi: 150 }));
    // The fake project has no @electron/rebuild: what a checkout before `npm install` looks like.
    expect(await native.ensureElectronSqlite({ root: project })).toEqual({
      ok: false,
      reason: '@electron/rebuild is not installed (run `npm install`)',
    });
    expect(await native.ensureElectronSqlite({ root: fakeProject('without-electron') })).toEqual({
      ok: false,
      reason: "Electron's version and ABI cannot be read from node_modules/electron",
    });
  });
});
