// NBD over TLS (NBD_OPT_STARTTLS): qemu-img with x509 credentials reads the export; a client
// that does not start TLS is refused every option and cut off when it asks for an export.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionStrings } from './connection-strings';
import { readOnlyDevice } from './device';
import * as P from './protocol';
import { NbdServer } from './server';
import { testCertificates } from './testing/certificates';
import { RawClient } from './testing/raw-client';

const run = promisify(execFile);
const SIZE = 2 * 1024 * 1024;
const disk = crypto.randomBytes(SIZE);
let dir: string | undefined;
let server: NbdServer | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

async function tlsServer() {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-nbd-tls-'));
  const certs = testCertificates(dir);
  server = await NbdServer.listen({ port: 0, tls: { cert: fs.readFileSync(certs.cert), key: fs.readFileSync(certs.key) } });
  server.add('disk', readOnlyDevice({ size: SIZE, read: async (o, l) => Buffer.from(disk.subarray(o, o + l)) }));
  return { ...certs, port: server.port };
}

describe('NBD over TLS', () => {
  it('serves qemu-img through the command line it shows, with the CA that signed the certificate', async () => {
    const s = await tlsServer();
    const strings = connectionStrings('127.0.0.1', s.port, 'disk', { readOnly: true, tls: true });
    expect(strings.url).toBe(`nbds://127.0.0.1:${s.port}/disk`);
    // the shown command, with CA_DIR filled in
    const [cmd, ...args] = strings.qemuImg.replace('CA_DIR', s.caDir).split(' ');
    const info = await run(cmd!, [...args.slice(0, 1), '--output=json', ...args.slice(1)]);
    expect((JSON.parse(info.stdout) as { 'virtual-size': number })['virtual-size']).toBe(SIZE);
    const out = path.join(dir!, 'copy.raw');
    await run('qemu-img', ['convert', ...args.slice(1, 3), '-O', 'raw', ...args.slice(3), out]);
    expect(Buffer.compare(fs.readFileSync(out), disk)).toBe(0);
  });

  it('refuses options before STARTTLS with NBD_REP_ERR_TLS_REQD, and cuts off a client that asks for an export in clear', async () => {
    const s = await tlsServer();
    const c = await RawClient.connect(s.port);
    c.sendFlags();
    c.sendOption(P.OPT.LIST);
    expect((await c.optionReply()).type).toBe(P.REP.ERR_TLS_REQD);
    c.sendOption(P.OPT.EXPORT_NAME, Buffer.from('disk'));
    await c.closed;
    // and a client that trusts another CA does not get through either
    const other = testCertificates(path.join(dir!, 'other'));
    await expect(
      run('qemu-img', [
        'info',
        '--object',
        `tls-creds-x509,id=tls0,endpoint=client,dir=${other.caDir}`,
        '--image-opts',
        `driver=nbd,host=127.0.0.1,port=${s.port},export=disk,tls-creds=tls0`,
      ]),
    ).rejects.toThrow(/certificate|TLS|verif/i);
  });
});
