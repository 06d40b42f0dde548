import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File, writeImage } from '../../engine/testing/fixtures';
import { testCertificates } from '../../export/nbd/testing/certificates';
import { testCli } from '../test-cli';

// `backstack export nbd`, in process: the command waits for the test (instead of Ctrl-C) while
// qemu-img and qemu-io use the export, then stops.
const run = promisify(execFile);
const CHUNK = 64 * 1024;
let cli: ReturnType<typeof testCli>;
beforeEach(() => {
  cli = testCli('backstack-cli-export-');
});
afterEach(() => cli.cleanup());

/** A destination folder with one restore point of vol-1's vda, written by the CLI. */
async function folderWithRestorePoint(env: NodeJS.ProcessEnv = {}) {
  const dir = path.join(cli.home, 'dest');
  const img = path.join(cli.home, 'disk.img');
  writeImage(img, CHUNK, ['text', 'zero', 'random', 'text', { dupOf: 0 }], 5);
  expect(
    await cli.run(['destination', 'folder', 'init', dir, '--chunk-size', String(CHUNK), ...(env.BACKSTACK_PASSPHRASE ? ['--encrypt'] : [])], { env }),
  ).toBe(0);
  expect(await cli.run(['destination', 'folder', 'disk-backup', dir, '--image', img, '--id', 'vol-1', '--disk', 'vda'], { env })).toBe(0);
  cli.clear();
  return { dir, img };
}

describe('backstack export nbd', () => {
  it('serves a disk of a destination folder until stopped, printing the URL, the client command lines and how to stop', async () => {
    const env = { BACKSTACK_PASSPHRASE: 'folder pass' };
    const { dir, img } = await folderWithRestorePoint(env);
    let compared = '';
    const code = await cli.run(['export', 'nbd', '--repo', dir, '--id', 'vol-1', '--listen', '127.0.0.1:0'], {
      env,
      waitForStop: async () => {
        const url = /nbd:\/\/127\.0\.0\.1:\d+\/\S+/.exec(cli.io.out)![0];
        compared = (await run('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', img, url])).stdout;
      },
    });
    expect(cli.io.err).toBe('');
    expect(code).toBe(0);
    expect(compared).toContain('Images are identical');
    expect(cli.io.out).toMatch(
      /^Serving vol-1 vda \(320\.0 KiB, restore point vol-1\/\S+\) over NBD, read-only:\n {2}nbd:\/\/127\.0\.0\.1:\d+\/vol-1-\S+-vda\n/,
    );
    expect(cli.io.out).toMatch(/ {2}sudo qemu-nbd --connect=\/dev\/nbd0 --format=raw --read-only nbd:\/\//);
    expect(cli.io.out).toMatch(/ {2}sudo nbd-client 127\.0\.0\.1 \d+ \/dev\/nbd0 -N vol-1-/);
    expect(cli.io.out).toContain('Press Ctrl-C to stop.\n');
    expect(cli.io.out).toMatch(/Stopped\.\n$/);
  });

  it('serves a restore point of the catalog writable: writes read back through the export, the restore point unchanged', async () => {
    const { dir, img } = await folderWithRestorePoint();
    expect(await cli.run(['destination', 'add', 'shared', dir])).toBe(0);
    cli.clear();
    expect(await cli.run(['backup', 'list', '--json'])).toBe(0);
    const [backup] = JSON.parse(cli.io.out) as { id: string }[];
    cli.clear();
    let io = '';
    const code = await cli.run(['export', 'nbd', '--backup', backup!.id, '--disk', 'vda', '--listen', '127.0.0.1:0', '--writable', '--json'], {
      waitForStop: async () => {
        const e = JSON.parse(cli.io.out) as { url: string; writable: boolean };
        expect(e.writable).toBe(true);
        io = (await run('qemu-io', ['-f', 'raw', '-c', 'write -P 0xcd 70000 3000', '-c', 'read -P 0xcd 70000 3000', e.url])).stdout;
      },
    });
    expect(cli.io.err).toBe('');
    expect(code).toBe(0);
    expect(io).toContain('wrote 3000/3000');
    expect(io).toContain('read 3000/3000');
    expect(io).not.toMatch(/fail/i);
    const out = path.join(cli.home, 'after.img');
    expect(await cli.run(['destination', 'folder', 'disk-restore', dir, '--id', 'vol-1', '--out', out])).toBe(0);
    expect(sha256File(out)).toBe(sha256File(img));
  });

  it('requires TLS with --tls-cert and --tls-key: qemu-img reads the disk through the command line printed', async () => {
    const { dir, img } = await folderWithRestorePoint();
    const certs = testCertificates(path.join(cli.home, 'certs'));
    let copied = '';
    const code = await cli.run(
      ['export', 'nbd', '--repo', dir, '--id', 'vol-1', '--listen', '127.0.0.1:0', '--tls-cert', certs.cert, '--tls-key', certs.key],
      {
        waitForStop: async () => {
          const line = /^ {2}(qemu-img info .*)$/m.exec(cli.io.out)![1]!;
          const [, ...args] = line.replace('CA_DIR', certs.caDir).split(' ');
          copied = path.join(cli.home, 'copy.raw');
          await run('qemu-img', ['convert', ...args.slice(1, 3), '-O', 'raw', ...args.slice(3), copied]);
        },
      },
    );
    expect(cli.io.err).toBe('');
    expect(code).toBe(0);
    expect(cli.io.out).toMatch(/ {2}nbds:\/\/127\.0\.0\.1:\d+\/vol-1-/);
    expect(cli.io.out).toContain('TLS is required: CA_DIR is a folder holding ca-cert.pem');
    expect(sha256File(copied)).toBe(sha256File(img));
  });

  it('says which options go together', async () => {
    expect(await cli.run(['export', 'nbd', '--repo', '/nowhere', '--id', 'g', '--tls-cert', 'c.pem'])).toBe(2);
    expect(cli.io.err).toContain('--tls-cert and --tls-key go together');
    expect(await cli.run(['export', 'nbd', '--repo', '/nowhere'])).toBe(2);
    expect(cli.io.err).toContain('--repo needs --id GROUP');
    expect(await cli.run(['export', 'nbd'])).toBe(2);
    expect(cli.io.err).toContain('Name the restore point with --backup ID');
    expect(await cli.run(['export', 'nbd', '--backup', 'x/y', '--id', 'g'])).toBe(2);
    expect(cli.io.err).toContain('--id goes with --repo DIR');
    cli.clear();
    expect(await cli.run(['export', 'nbd', '--repo', path.join(cli.home, 'none'), '--id', 'g', '--listen', 'nas.example:10809'])).toBe(3);
    expect(cli.io.err).toContain('give an IP address and port to listen on');
  });
});
