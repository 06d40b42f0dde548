import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// What can be checked of the installers without Electron's binary: the configuration names files that
// exist, the right sizes, and keeps native modules where the OS can load them. (An actual build needs Electron.)
const require = createRequire(import.meta.url);
const root = path.join(path.dirname(require.resolve('./native-electron.cjs')), '..');
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as {
  appId: string;
  productName: string;
  directories: { buildResources: string; output: string };
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  linux: { target: string[]; category: string; icon: string };
  deb: { depends: string[] };
  win: { target: string; icon: string };
  mac: { target: string; icon: string };
};
const { renders } = require('./render-icons.cjs') as { renders(): [string, number, string][] };
const { electronSqlitePath } = require('./native-electron.cjs') as { electronSqlitePath(root: string, abi: number): string };

const pngSize = (file: string) => {
  const b = fs.readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};
// electron-builder's file patterns: ${platform} is the building machine's, * stays within a folder.
const matcher = (pattern: string) => {
  const expanded = pattern.replaceAll('${platform}', process.platform).replaceAll('${arch}', process.arch);
  const body = expanded
    .replace(/[.+^$()|[\]\\]/g, '\\$&')
    .replaceAll('**', '\0')
    .replaceAll('*', '[^/]*')
    .replaceAll('\0', '.*');
  return new RegExp(`^${body.replace(/\{([^}]+)\}/g, (_, alts: string) => `(${alts.split(',').join('|')})`)}$`);
};
const listFiles = (dir: string): string[] =>
  fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.productName).toBe('Backstack');
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.directories.buildResources).toBe('resources');
  });

  it('builds AppImage and deb, nsis and dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('System');
    expect(config.win.target).toBe('nsis');
    expect(config.mac.target).toBe('dmg');
    // An explicit depends list replaces electron-builder's defaults; the keyring needs libsecret.
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libsecret-1-0']));
  });

  it('uses icons from resources/ of the sizes each platform needs', () => {
    for (const n of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(path.join(root, config.linux.icon, `${n}x${n}.png`))).toEqual({ width: n, height: n });
    }
    expect(pngSize(path.join(root, config.win.icon)).width).toBeGreaterThanOrEqual(256);
    expect(pngSize(path.join(root, config.mac.icon)).width).toBeGreaterThanOrEqual(512);
  });

  it('packages the built app and the files the main process opens, and nothing that is not there', () => {
    expect(config.files.slice(0, 2)).toEqual(['out/**', 'package.json']);
    const resources = listFiles('resources');
    for (const pattern of config.files.filter((p) => p.startsWith('resources/'))) {
      expect(
        resources.filter((f) => matcher(pattern).test(f)),
        pattern,
      ).not.toEqual([]);
    }
    for (const tray of ['tray/tray.png', 'tray/tray@2x.png', 'tray/trayTemplate.png', 'tray/trayTemplate@2x.png', 'icons/256x256.png']) {
      expect(
        config.files.some((p) => matcher(p).test(`resources/${tray}`)),
        tray,
      ).toBe(true);
    }
  });

  it("ships better-sqlite3's Electron build, unpacked, and leaves node_modules' Node builds alone", () => {
    const electronBuild = path.relative(root, electronSqlitePath(root, 150)).split(path.sep).join('/');
    expect(config.files.some((p) => matcher(p).test(electronBuild))).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'native/**', 'resources/**']));
    expect(config.asarUnpack.some((p) => matcher(p).test(electronBuild))).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.files).toEqual(expect.arrayContaining(['!**/node_modules/better-sqlite3/{build,deps,src}/**']));
  });

  it('is what `npm run package` uses, after building the Electron SQLite module and the app', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.package).toBe('node scripts/native-electron.cjs && electron-vite build && electron-builder --config electron-builder.yml');
  });
});

describe('resources/', () => {
  it('holds every PNG scripts/render-icons.cjs renders, at its size', () => {
    for (const [svg, size, png] of renders()) {
      expect(fs.existsSync(svg), svg).toBe(true);
      expect(pngSize(png), png).toEqual({ width: size, height: size });
    }
  });

  it('holds icons and packaging assets only', () => {
    expect(listFiles('resources').filter((f) => !/\.(png|svg)$/.test(f))).toEqual([]);
  });
});
