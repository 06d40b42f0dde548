import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A test CA and a server certificate for 127.0.0.1 signed by it, made with openssl in `dir`:
 * ca-cert.pem (what qemu's tls-creds-x509 reads from its dir), server-cert.pem, server-key.pem.
 */
export function testCertificates(dir: string): { caDir: string; cert: string; key: string } {
  const caDir = path.join(dir, 'ca');
  fs.mkdirSync(caDir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', f('ca-key.pem'), '-out', path.join(caDir, 'ca-cert.pem'), '-days', '2', '-subj', '/CN=backstack test CA');
  ssl('req', ...ec, '-keyout', f('server-key.pem'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    path.join(caDir, 'ca-cert.pem'),
    '-CAkey',
    f('ca-key.pem'),
    '-CAcreateserial',
    '-out',
    f('server-cert.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  );
  return { caDir, cert: f('server-cert.pem'), key: f('server-key.pem') };
}
