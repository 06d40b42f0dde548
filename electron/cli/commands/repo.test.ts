import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VerifyFailedError, WrongPassphraseError } from '../../engine';
import { scribble, sha256File, snapshotTree, tempDir, writeImage } from '../../engine/testing/fixtures';
import { register as registerDisk } from './disk';
import { register as registerRepo, resetStdinCache } from './repo';

const CHUNK = 64 * 1024;
let work: string;
let cleanup: () => void;
let out: string;
let err: string;

beforeEach(() => {
  ({ dir: work, cleanup } = tempDir('backstack-cli-engine-'));
  out = err = '';
  resetStdinCache();
});
afterEach(() => cleanup());

/** A fresh program per call, as the CLI entry builds one per run. */
async function run(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<void> {
  const program = new Command('backstack').exitOverride();
  const io = {
    out: (s: string) => (out += s),
    err: (s: string) => (err += s),
    env: opts.env ?? {},
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
  };
  registerRepo(program, io);
  registerDisk(program, io);
  resetStdinCache();
  await program.parseAsync(['node', 'backstack', ...args]);
}

describe('repo and disk commands', () => {
  it('init, backup, incremental with a changed-extent file, list, restore, verify, prune, gc', async () => {
    const repo = path.join(work, 'repo');
    const img = path.join(work, 'disk.img');
    const env = { BACKSTACK_PASSPHRASE: 'pw' };
    writeImage(img, CHUNK, ['text', 'zero', 'text', 'random'], 71);
    await run(['repo', 'init', repo, '--encrypt', '--chunk-size', String(CHUNK), '--json'], { env });
    expect(JSON.parse(out)).toMatchObject({ encrypted: true, recoveryKey: expect.stringMatching(/^bsrk1-/) });

    await run(['disk', 'backup', '--repo', repo, '--image', img, '--id', 'vol-1'], { env });
    const first = sha256File(img);
    const change = scribble(img, CHUNK + 5, 50, 72);
    const list = path.join(work, 'changed.json');
    fs.writeFileSync(list, JSON.stringify([change]));
    out = '';
    await run(['disk', 'backup', '--repo', repo, '--image', img, '--id', 'vol-1', '--changed-extents', list, '--json'], { env });
    // only the changed bytes are read; the rest of their chunk comes from the parent's chunk
    expect(JSON.parse(out)).toMatchObject({ totals: { bytesRead: 50, bytesNew: CHUNK, chunksNew: 1 } });

    out = '';
    await run(['repo', 'list', repo, '--json'], { env });
    const backups = JSON.parse(out) as { id: string; time: string }[];
    expect(backups).toHaveLength(2);

    await run(['disk', 'restore', '--repo', repo, '--id', 'vol-1', '--out', path.join(work, 'latest.img')], { env });
    expect(sha256File(path.join(work, 'latest.img'))).toBe(sha256File(img));
    await run(['disk', 'restore', '--repo', repo, '--id', 'vol-1', '--backup', backups[0]!.id, '--out', path.join(work, 'first.img')], { env });
    expect(sha256File(path.join(work, 'first.img'))).toBe(first);

    out = '';
    await run(['repo', 'verify', repo], { env });
    expect(out).toContain('Checked 2 backups');

    out = '';
    await run(['repo', 'prune', repo, '--keep-last', '1', '--dry-run'], { env });
    expect(out).toMatch(/would remove vol-1\/\S+ +no rule keeps it/);
    await run(['repo', 'prune', repo, '--keep-last', '1'], { env });
    out = '';
    await run(['repo', 'gc', repo, '--json'], { env });
    expect(JSON.parse(out)).toMatchObject({ chunksRemoved: 0 }); // within the grace period
    out = '';
    await run(['repo', 'info', repo, '--json'], { env });
    expect(JSON.parse(out)).toMatchObject({ backups: 1, encrypted: true });
  });

  it('takes the passphrase from stdin, never from argv, and refuses a wrong one without changing anything', async () => {
    const repo = path.join(work, 'repo');
    await run(['repo', 'init', repo, '--encrypt', '--passphrase-stdin', '--recovery-key-out', path.join(work, 'key.txt')], { stdin: 'secret\n' });
    expect(err).toContain('Keep the recovery key');
    expect(fs.readFileSync(path.join(work, 'key.txt'), 'utf8')).toMatch(/^bsrk1-/);
    const before = snapshotTree(repo);
    await expect(run(['repo', 'list', repo, '--passphrase-stdin'], { stdin: 'wrong\n' })).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(snapshotTree(repo)).toEqual(before);
    await run(['repo', 'list', repo, '--recovery-key-file', path.join(work, 'key.txt')]);
    await expect(run(['repo', 'init', path.join(work, 'other'), '--encrypt'])).rejects.toThrow(/needs a passphrase/);
  });

  it('verify fails (non-zero) and names the damaged chunk', async () => {
    const repo = path.join(work, 'repo');
    const img = path.join(work, 'disk.img');
    writeImage(img, CHUNK, ['text'], 73);
    await run(['repo', 'init', repo, '--chunk-size', String(CHUNK)]);
    await run(['disk', 'backup', '--repo', repo, '--image', img, '--id', 'vol-1']);
    const prefix = fs.readdirSync(path.join(repo, 'chunks'))[0]!;
    const name = fs.readdirSync(path.join(repo, 'chunks', prefix))[0]!;
    const file = path.join(repo, 'chunks', prefix, name);
    const bytes = fs.readFileSync(file);
    bytes[30]! ^= 1;
    fs.writeFileSync(file, bytes);
    out = '';
    await expect(run(['repo', 'verify', repo])).rejects.toBeInstanceOf(VerifyFailedError);
    expect(out).toContain(`corrupt-chunk ${name}`);
    expect(out).toMatch(/affects: vol-1\/\S+ \(disk\)/);
  });
});
