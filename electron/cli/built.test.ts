import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, writeImage } from '../engine/testing/fixtures';
import { packageVersion, projectRoot } from '../lib/version';

// The CLI as users run it: bin/backstack.cjs on the built JavaScript, spawned. Built here from the
// current sources (about a second) so the test never judges a stale build.
const root = projectRoot();
const bin = path.join(root, 'bin/backstack.cjs');
let home: string;
beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--configLoader', 'runner', '--config', 'electron/cli/vite.config.mts'], {
    cwd: root,
    stdio: 'pipe',
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-cli-built-'));
}, 120_000);
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const backstack = (args: string[], opts: { env?: NodeJS.ProcessEnv; preload?: string } = {}) =>
  spawnSync(process.execPath, [...(opts.preload ? ['-r', opts.preload] : []), bin, ...args], {
    cwd: home,
    env: { ...process.env, BACKSTACK_HOME: home, ...opts.env },
    encoding: 'utf8',
  });

describe('the built CLI', () => {
  it('prints its version', () => {
    const r = backstack(['--version']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(packageVersion());
  });

  /** The files a run of `args` loaded (written at exit by a preloaded probe). */
  const loadedBy = (args: string[]): string[] => {
    const probe = path.join(home, 'probe.cjs');
    fs.writeFileSync(probe, "process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));\n");
    const r = backstack(args, { preload: probe });
    expect(r.status).toBe(0);
    return (JSON.parse(r.stderr) as string[]).map((f) => path.relative(root, f));
  };

  it('answers --version and --help without loading the core, the engine or zod', () => {
    for (const args of [['--version'], ['--help'], ['destination', '--help']])
      expect(loadedBy(args).filter((f) => /create-core|codes-|engine-|zod|better-sqlite3|undici|ssh2/.test(f))).toEqual([]);
  });

  it('opens the core for status without the HTTP stack, SSH or the native codecs it never calls', () => {
    const loaded = loadedBy(['status', '--json', '--sample-ms', '0']);
    expect(loaded.some((f) => f.includes('better-sqlite3'))).toBe(true);
    expect(loaded.filter((f) => /undici|ssh2|zstd-napi|blake-hash|crc32/.test(f))).toEqual([]);
  });

  it('runs a command, its engine worker threads started from the bundle', () => {
    const dir = path.join(home, 'dest');
    const img = path.join(home, 'disk.img');
    writeImage(img, 64 * 1024, ['text', 'random', 'zero', 'text'], 5);
    const steps = [
      ['destination', 'folder', 'init', dir, '--chunk-size', String(64 * 1024)],
      ['destination', 'folder', 'disk-backup', dir, '--image', img, '--id', 'vol-1'],
      ['destination', 'folder', 'disk-restore', dir, '--id', 'vol-1', '--out', path.join(home, 'restored.img')],
      ['status', '--json', '--sample-ms', '0'],
    ];
    for (const args of steps) {
      const r = backstack(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(sha256File(path.join(home, 'restored.img'))).toBe(sha256File(img));
  });

  it('serves a disk over NBD in the foreground and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const dir = path.join(home, 'nbd-dest');
    const img = path.join(home, 'nbd-disk.img');
    writeImage(img, 64 * 1024, ['text', 'zero', 'random'], 9);
    for (const args of [
      ['destination', 'folder', 'init', dir, '--chunk-size', String(64 * 1024)],
      ['destination', 'folder', 'disk-backup', dir, '--image', img, '--id', 'vol-1'],
    ])
      expect(backstack(args).status).toBe(0);
    const child = spawn(process.execPath, [bin, 'export', 'nbd', '--repo', dir, '--id', 'vol-1', '--listen', '127.0.0.1:0', '--json'], {
      env: { ...process.env, BACKSTACK_HOME: home },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<string>((resolve) =>
      child.stdout.on('data', (s: string) => {
        stdout += s;
        if (stdout.includes('\n')) resolve(stdout);
      }),
    );
    const { url } = JSON.parse(await ready) as { url: string };
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', url], { encoding: 'utf8' })) as { 'virtual-size': number };
    expect(info['virtual-size']).toBe(fs.statSync(img).size);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('says in one line how to build it when the build is missing', () => {
    const bare = path.join(home, 'checkout');
    fs.mkdirSync(path.join(bare, 'bin'), { recursive: true });
    fs.copyFileSync(bin, path.join(bare, 'bin/backstack.cjs'));
    const r = spawnSync(process.execPath, [path.join(bare, 'bin/backstack.cjs'), '--version'], { cwd: bare, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('backstack: the CLI is not built yet (out/cli/backstack.js is missing): run npm run build:cli\n');
  });
});
