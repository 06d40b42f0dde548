// TLS trust against a real local https server with certificates made by openssl at test time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TlsCertificateChangedError, TlsUntrustedError, InvalidOptionsError } from './errors';
import { ProviderClient } from './provider-client';
import { inspectCertificate, normalizeFingerprint, pinKey, type TlsOptions } from './tls';

let dir: string;
const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
const openssl = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function selfSigned(name: string, cn: string): void {
  openssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}/O=Backstack Test`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
}

function signedByCa(name: string, san: string): void {
  openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}

function fingerprintOf(name: string): string {
  return openssl('x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256').trim().split('=')[1]!;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backstack-tls-'));
  selfSigned('first', 'keystone.lab');
  selfSigned('second', 'keystone.lab');
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Backstack Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  signedByCa('leaf', 'IP:127.0.0.1');
  signedByCa('wrongname', 'DNS:other.example.org');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A Keystone that issues an unscoped token to anyone: enough to prove the TLS layer let us through.
function keystone(cert: string, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer({ key: pem(`${cert}.key`), cert: pem(`${cert}.pem`) }, (req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
        res.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': 'gAAAAAtls-test-token-000000000000' });
        res.end(JSON.stringify({ token: { methods: ['password'], user: { id: 'u', name: 'admin', domain: { id: 'default', name: 'Default' } }, expires_at: '2999-01-01T00:00:00Z', issued_at: '2024-01-01T00:00:00Z' } }));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/v3` })));
}

const servers: Server[] = [];
const clients: ProviderClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function start(cert: string, port = 0): Promise<{ server: Server; url: string }> {
  const k = await keystone(cert, port);
  servers.push(k.server);
  return k;
}

function client(url: string, tls: TlsOptions): ProviderClient {
  const c = new ProviderClient({ authUrl: url, credentials: { kind: 'password', username: 'admin', userDomainName: 'Default', password: 'pw' }, tls, retry: { maxAttempts: 1 } });
  clients.push(c);
  return c;
}

describe('trust on first use', () => {
  it('shows the certificate a server presents, with its SHA-256 fingerprint', async () => {
    const { url } = await start('first');
    const cert = await inspectCertificate(url);
    expect(cert.fingerprint256).toBe(fingerprintOf('first'));
    expect(cert.subject).toContain('CN=keystone.lab');
    expect(cert.selfSigned).toBe(true);
    expect(cert.trusted).toBe(false);
    expect(cert.problem).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(cert.host).toBe('127.0.0.1');
  });

  it('refuses an unknown self-signed certificate, carrying it in the error', async () => {
    const { url } = await start('first');
    const err = (await client(url, {}).authenticate().catch((e: unknown) => e)) as TlsUntrustedError;
    expect(err).toBeInstanceOf(TlsUntrustedError);
    expect(err.code).toBe('TLS_UNTRUSTED');
    expect(err.reason).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.certificate?.fingerprint256).toBe(fingerprintOf('first'));
    expect(err.message).toMatch(/^The TLS certificate of 127\.0\.0\.1:\d+ is not trusted: it is self-signed \(subject "CN=keystone.lab, O=Backstack Test"/);
  });

  it('accepts the pinned certificate', async () => {
    const { url } = await start('first');
    const info = await client(url, { pins: { [pinKey(url)]: fingerprintOf('first').replace(/:/g, '').toLowerCase() } }).authenticate();
    expect(info.userName).toBe('admin');
  });

  it('refuses a changed certificate on a pinned endpoint', async () => {
    const first = await start('first');
    const pins = { [pinKey(first.url)]: fingerprintOf('first') };
    await client(first.url, { pins }).authenticate();
    // the same host and port come back with another certificate
    const port = new URL(first.url).port;
    await new Promise((r) => first.server.close(r));
    await start('second', Number(port));
    const err = (await client(first.url, { pins }).authenticate().catch((e: unknown) => e)) as TlsCertificateChangedError;
    expect(err).toBeInstanceOf(TlsCertificateChangedError);
    expect(err.code).toBe('TLS_CERT_CHANGED');
    expect(err.pinnedFingerprint256).toBe(fingerprintOf('first'));
    expect(err.certificate.fingerprint256).toBe(fingerprintOf('second'));
    expect(err.message).toContain(`The TLS certificate of 127.0.0.1:${port} changed since it was trusted`);
  });

  it('a pin is the identity: it holds even when the name does not match', async () => {
    const { url } = await start('wrongname');
    await expect(client(url, { pins: { [pinKey(url)]: fingerprintOf('wrongname') } }).authenticate()).resolves.toMatchObject({ userName: 'admin' });
  });

  it('rejects malformed fingerprints', () => {
    expect(() => normalizeFingerprint('AB:CD')).toThrow(InvalidOptionsError);
    expect(normalizeFingerprint('ab'.repeat(32))).toBe(Array(32).fill('AB').join(':'));
    expect(pinKey('https://Keystone.Example.com/v3')).toBe('keystone.example.com:443');
  });
});

describe('CA bundles', () => {
  it('trusts a certificate signed by the CA of an added bundle file', async () => {
    const { url } = await start('leaf');
    const err = (await client(url, {}).authenticate().catch((e: unknown) => e)) as TlsUntrustedError;
    expect(err.reason).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(err.message).toContain('its issuer is unknown here');
    await expect(client(url, { caFile: join(dir, 'ca.pem') }).authenticate()).resolves.toMatchObject({ userName: 'admin' });
    expect((await inspectCertificate(url, { tls: { ca: pem('ca.pem') } })).trusted).toBe(true);
  });

  it('still checks the host name', async () => {
    const { url } = await start('wrongname');
    const err = (await client(url, { caFile: join(dir, 'ca.pem') }).authenticate().catch((e: unknown) => e)) as TlsUntrustedError;
    expect(err).toBeInstanceOf(TlsUntrustedError);
    expect(err.reason).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(err.message).toContain('it was issued for another host name');
  });

  it('says so when the bundle file cannot be read', () => {
    expect(() => client('https://127.0.0.1:1/v3', { caFile: join(dir, 'missing.pem') })).toThrow(/Cannot read the CA bundle/);
  });
});
