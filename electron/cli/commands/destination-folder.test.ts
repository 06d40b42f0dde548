import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scribble, sha256File, snapshotTree, writeImage } from '../../engine/testing/fixtures';
import { testCli } from '../test-cli';

// `destination folder …`: the engine on a bare folder, no catalog (disaster recovery, scripts).
const CHUNK = 64 * 1024;
let cli: ReturnType<typeof testCli>;
let work: string;
beforeEach(() => {
  cli = testCli('backstack-cli-folder-');
  work = cli.home;
});
afterEach(() => cli.cleanup());

const folder = (...args: string[]) => ['destination', 'folder', ...args];

describe('destination folder commands', () => {
  it('init, disk-backup, an incremental from a changed-extent file, list, disk-restore, verify, prune, gc, info', async () => {
    const dir = path.join(work, 'dest');
    const img = path.join(work, 'disk.img');
    const env = { BACKSTACK_PASSPHRASE: 'pw' };
    writeImage(img, CHUNK, ['text', 'zero', 'text', 'random'], 71);
    expect(await cli.run(folder('init', dir, '--encrypt', '--chunk-size', String(CHUNK), '--json'), { env })).toBe(0);
    expect(JSON.parse(cli.io.out)).toMatchObject({ encrypted: true, recoveryKey: expect.stringMatching(/^bsrk1-/) });

    expect(await cli.run(folder('disk-backup', dir, '--image', img, '--id', 'vol-1'), { env })).toBe(0);
    const first = sha256File(img);
    const change = scribble(img, CHUNK + 5, 50, 72);
    const list = path.join(work, 'changed.json');
    fs.writeFileSync(list, JSON.stringify([change]));
    cli.clear();
    expect(await cli.run(folder('disk-backup', dir, '--image', img, '--id', 'vol-1', '--changed-extents', list, '--json'), { env })).toBe(0);
    // only the changed bytes are read; the rest of their chunk comes from the parent's chunk
    expect(JSON.parse(cli.io.out)).toMatchObject({ totals: { bytesRead: 50, bytesNew: CHUNK, chunksNew: 1 } });

    cli.clear();
    expect(await cli.run(folder('list', dir, '--json'), { env })).toBe(0);
    const backups = JSON.parse(cli.io.out) as { id: string }[];
    expect(backups).toHaveLength(2);

    expect(await cli.run(folder('disk-restore', dir, '--id', 'vol-1', '--out', path.join(work, 'latest.img')), { env })).toBe(0);
    expect(sha256File(path.join(work, 'latest.img'))).toBe(sha256File(img));
    expect(await cli.run(folder('disk-restore', dir, '--id', 'vol-1', '--backup', backups[0]!.id, '--out', path.join(work, 'first.img')), { env })).toBe(0);
    expect(sha256File(path.join(work, 'first.img'))).toBe(first);

    cli.clear();
    expect(await cli.run(folder('verify', dir), { env })).toBe(0);
    expect(cli.io.out).toContain('Checked 2 restore points');

    cli.clear();
    expect(await cli.run(folder('prune', dir, '--keep-last', '1', '--dry-run'), { env })).toBe(0);
    expect(cli.io.out).toMatch(/would remove +vol-1\/\S+ +no rule keeps it/);
    expect(await cli.run(folder('prune', dir, '--keep-last', '1'), { env })).toBe(0);
    cli.clear();
    expect(await cli.run(folder('gc', dir, '--json'), { env })).toBe(0);
    expect(JSON.parse(cli.io.out)).toMatchObject({ chunksRemoved: 0 }); // within the grace period
    cli.clear();
    expect(await cli.run(folder('info', dir, '--json'), { env })).toBe(0);
    expect(JSON.parse(cli.io.out)).toMatchObject({ backups: 1, encrypted: true });
  });

  it('takes secrets from stdin or a recovery key file, never argv; a wrong one changes nothing; key export', async () => {
    const dir = path.join(work, 'dest');
    const keyFile = path.join(work, 'key.txt');
    expect(await cli.run(folder('init', dir, '--encrypt', '--passphrase-stdin', '--recovery-key-out', keyFile), { stdin: 'secret\n' })).toBe(0);
    expect(cli.io.err).toContain('Keep the recovery key');
    expect(fs.readFileSync(keyFile, 'utf8')).toMatch(/^bsrk1-/);
    const before = snapshotTree(dir);
    cli.clear();
    expect(await cli.run(folder('list', dir, '--passphrase-stdin'), { stdin: 'wrong\n' })).toBe(1);
    expect(cli.io.err).toContain('Wrong passphrase');
    expect(snapshotTree(dir)).toEqual(before);
    cli.clear();
    expect(await cli.run(folder('list', dir))).toBe(1);
    expect(cli.io.err).toContain('--passphrase-stdin, set BACKSTACK_PASSPHRASE, or give --recovery-key-file');
    expect(await cli.run(folder('list', dir, '--recovery-key-file', keyFile))).toBe(0);
    cli.clear();
    expect(await cli.run(folder('key', 'export', dir, '--passphrase-stdin'), { stdin: 'secret\n' })).toBe(0);
    expect(cli.io.out.trim()).toBe(fs.readFileSync(keyFile, 'utf8').trim());
    expect(await cli.run(folder('key', 'change-passphrase', dir, '--passphrase-stdin'), { stdin: 'secret\nnew secret\n' })).toBe(0);
    expect(await cli.run(folder('list', dir), { env: { BACKSTACK_PASSPHRASE: 'new secret' } })).toBe(0);
  });

  it('refuses options that would do nothing, and names the fix', async () => {
    const dir = path.join(work, 'dest');
    expect(await cli.run(folder('init', dir, '--encrypt'))).toBe(2);
    expect(cli.io.err).toContain('pipe it with --passphrase-stdin or set BACKSTACK_PASSPHRASE');
    expect(await cli.run(folder('init', dir, '--passphrase-stdin'), { stdin: 'x\n' })).toBe(2);
    expect(await cli.run(folder('init', dir))).toBe(0);
    cli.clear();
    expect(await cli.run(folder('disk-restore', dir, '--id', 'x', '--out', path.join(work, 'x.img'), '--assume-zeroed'))).toBe(2);
    expect(cli.io.err).toContain('--assume-zeroed goes with --block-device');
    expect(await cli.run(folder('prune', dir))).toBe(2);
    expect(await cli.run(folder('list', path.join(work, 'nothing-here')))).toBe(4);
    expect(cli.io.err).toContain('backstack destination folder init DIR');
  });

  it('verify fails (non-zero) and names the damaged chunk', async () => {
    const dir = path.join(work, 'dest');
    const img = path.join(work, 'disk.img');
    writeImage(img, CHUNK, ['text'], 73);
    await cli.run(folder('init', dir, '--chunk-size', String(CHUNK)));
    await cli.run(folder('disk-backup', dir, '--image', img, '--id', 'vol-1'));
    const prefix = fs.readdirSync(path.join(dir, 'chunks'))[0]!;
    const name = fs.readdirSync(path.join(dir, 'chunks', prefix))[0]!;
    const file = path.join(dir, 'chunks', prefix, name);
    const bytes = fs.readFileSync(file);
    bytes[30]! ^= 1;
    fs.writeFileSync(file, bytes);
    cli.clear();
    expect(await cli.run(folder('verify', dir))).toBe(1);
    expect(cli.io.out).toContain(`corrupt-chunk ${name}`);
    expect(cli.io.out).toMatch(/affects: vol-1\/\S+ \(disk\)/);
    expect(cli.io.err).toContain('Verify found 1 problem(s)');
  });
});
