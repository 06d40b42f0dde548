// TLS trust for OpenStack endpoints: Node's roots + the OS bundle + an optional CA bundle, and
// trust-on-first-use pins ("host:port" → SHA-256 of the leaf certificate).
//
// Why a custom connector: Node verifies the chain inside the handshake and, with
// rejectUnauthorized, destroys the socket before anyone can look at the certificate. We let the
// handshake finish (rejectUnauthorized: false), then decide ourselves before undici may write a
// single byte: a pinned endpoint must present exactly the pinned certificate; any other endpoint
// must be authorized by the CA list (chain and host name, as Node computed them). That gives both
// pinning and an "untrusted" error that carries the certificate for the user to inspect.
import type { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { CancelledError, type CertificateInfo, InvalidOptionsError, TlsCertificateChangedError, TlsUntrustedError, UnreachableError } from './errors';

export interface TlsOptions {
  /** Path of a PEM bundle of CAs to trust in addition to the system's. */
  caFile?: string;
  /** PEM text of CAs to trust in addition to the system's. */
  ca?: string;
  /**
   * Trust-on-first-use pins: key "host:port" (see pinKey), value the SHA-256 fingerprint of the
   * leaf certificate (any case, colons optional). A pinned endpoint is accepted with that exact
   * certificate whoever signed it, and refused with TlsCertificateChangedError otherwise.
   */
  pins?: Record<string, string>;
  /** Include the OS CA bundle (Linux file locations); default true. */
  systemCa?: boolean;
}

export interface DispatcherOptions {
  connectTimeoutMs?: number;
  /** Connections per origin; OpenStack APIs are happy with a handful. */
  connections?: number;
}

const OS_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // Alpine, macOS (LibreSSL bundle)
];

/** The CA list: Node's bundled roots, the OS store when Node exposes or a known file holds it, and the caller's CAs. */
export function trustedCas(options: TlsOptions = {}): string[] {
  const cas: string[] = [...tls.rootCertificates];
  if (options.systemCa !== false) {
    // Node ≥ 22.15 exposes the OS store; on Node 20 read the usual bundle files.
    const getCa: unknown = Reflect.get(tls, 'getCACertificates');
    if (typeof getCa === 'function') cas.push(...(getCa as (kind: string) => string[])('system'));
    else {
      const file = OS_BUNDLES.find((f) => existsSync(f));
      if (file) cas.push(readFileSync(file, 'utf8'));
    }
  }
  if (options.caFile) {
    try {
      cas.push(readFileSync(options.caFile, 'utf8'));
    } catch (e) {
      throw new InvalidOptionsError(`Cannot read the CA bundle ${options.caFile}: ${(e as Error).message}`);
    }
  }
  if (options.ca) cas.push(options.ca);
  return cas;
}

export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (hex.length !== 64) throw new InvalidOptionsError(`"${fingerprint}" is not a SHA-256 fingerprint (64 hex digits)`);
  return hex.match(/../g)!.join(':');
}

/** The key of a pin for a URL: "host:port" with the scheme's default port filled in. */
export function pinKey(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  return `${u.hostname.toLowerCase()}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
}

function normalizePins(pins: Record<string, string> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, fp] of Object.entries(pins ?? {})) out.set(key.toLowerCase(), normalizeFingerprint(fp));
  return out;
}

export function describeCertificate(cert: X509Certificate, host: string, port: number): CertificateInfo {
  return {
    host,
    port,
    subject: cert.subject,
    issuer: cert.issuer,
    fingerprint256: cert.fingerprint256,
    validFrom: cert.validFrom,
    validTo: cert.validTo,
    subjectAltName: cert.subjectAltName,
    selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
  };
}

function verifyPeer(socket: TLSSocket, host: string, port: number, pins: Map<string, string>): Error | undefined {
  const x509 = socket.getPeerX509Certificate();
  const info = x509 ? describeCertificate(x509, host, port) : undefined;
  const pinned = pins.get(`${host.toLowerCase()}:${port}`);
  if (pinned) {
    if (info?.fingerprint256 === pinned) return undefined;
    if (!info) return new TlsUntrustedError({ host, port, reason: 'the server presented no certificate' });
    return new TlsCertificateChangedError({ host, port, pinnedFingerprint256: pinned, certificate: info });
  }
  if (socket.authorized) return undefined;
  const reason = socket.authorizationError;
  return new TlsUntrustedError({
    host,
    port,
    reason: typeof reason === 'string' ? reason : (reason?.message ?? 'unknown verification failure'),
    ...(info ? { certificate: info } : {}),
  });
}

/** An undici dispatcher that applies the trust rules above to every new TLS connection. */
export function createDispatcher(options: TlsOptions = {}, agent: DispatcherOptions = {}): Dispatcher {
  const pins = normalizePins(options.pins);
  const base = buildConnector({
    ca: trustedCas(options),
    rejectUnauthorized: false, // decided in verifyPeer, see the header comment
    maxCachedSessions: 0, // a resumed session skips verification; never resume
    timeout: agent.connectTimeoutMs ?? 10_000,
  });
  const connect: buildConnector.connector = (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) {
        callback(err ?? new Error('connect failed'), null);
        return;
      }
      if (opts.protocol !== 'https:') {
        callback(null, socket);
        return;
      }
      const problem = verifyPeer(socket as TLSSocket, opts.hostname, Number(opts.port || 443), pins);
      if (problem) {
        socket.destroy();
        callback(problem, null);
        return;
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, connections: agent.connections ?? 8, keepAliveTimeout: 4_000 });
}

export interface InspectedCertificate extends CertificateInfo {
  /** Whether the CA list (system + caFile/ca) vouches for it, host name included. */
  trusted: boolean;
  /** OpenSSL's verdict when not trusted. */
  problem: string | undefined;
}

/**
 * Connects once to an https URL and reports the certificate it presents, trusted or not: the
 * "first use" of trust-on-first-use. Shows the caller what to pin; sends no HTTP request.
 */
export function inspectCertificate(
  url: string,
  options: { tls?: TlsOptions; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<InspectedCertificate> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return Promise.reject(new InvalidOptionsError(`${url} does not use https: there is no certificate to inspect`));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }), // SNI takes names only
      ca: trustedCas(options.tls),
      rejectUnauthorized: false,
      timeout: options.timeoutMs ?? 10_000,
    });
    const onAbort = (): void => {
      socket.destroy();
      reject(new CancelledError(options.signal?.reason));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => options.signal?.removeEventListener('abort', onAbort);
    socket.once('secureConnect', () => {
      done();
      const x509 = socket.getPeerX509Certificate();
      const authorized = socket.authorized;
      const problem = socket.authorizationError;
      socket.end();
      if (!x509) {
        reject(new TlsUntrustedError({ host: u.hostname, port, reason: 'the server presented no certificate' }));
        return;
      }
      resolve({
        ...describeCertificate(x509, u.hostname, port),
        trusted: authorized,
        problem: authorized ? undefined : typeof problem === 'string' ? problem : problem?.message,
      });
    });
    socket.once('timeout', () => {
      done();
      socket.destroy();
      reject(new UnreachableError({ url, method: 'CONNECT', reason: 'TLS connection timed out' }));
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      done();
      reject(new UnreachableError({ url, method: 'CONNECT', reason: e.code ?? e.message, cause: e }));
    });
  });
}
