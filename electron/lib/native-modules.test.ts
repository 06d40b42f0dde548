import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeLoadFailureMessage, sqliteNativeBinding, type RuntimeVersions } from './native-modules';
import { canPatchAbi, copyWithModuleVersion } from './testing/abi-patch';

const require = createRequire(import.meta.url);
const electron45: RuntimeVersions = { node: '22.20.0', modules: '150', electron: '45.5.0' };
const node20: RuntimeVersions = { node: '20.20.2', modules: '115' };
// Node's own words (src/node_binding.cc) for a module compiled against another ABI.
const abiError = (file: string, built: number, needs: number) =>
  Object.assign(
    new Error(
      `The module '${file}'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${built}. This version of Node.js requires\nNODE_MODULE_VERSION ${needs}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );
const sqlite = 'The SQLite module (better-sqlite3)';

describe('sqliteNativeBinding', () => {
  it("under Electron picks the Electron build beside the app, for Electron's ABI and the machine", () => {
    expect(sqliteNativeBinding('/home/me/backstack', { versions: electron45, platform: 'linux', arch: 'x64' })).toBe(
      '/home/me/backstack/native/electron-150-linux-x64/better_sqlite3.node',
    );
    expect(sqliteNativeBinding('/home/me/backstack', { versions: { ...electron45, modules: '154' }, platform: 'darwin', arch: 'arm64' })).toBe(
      '/home/me/backstack/native/electron-154-darwin-arm64/better_sqlite3.node',
    );
  });

  it('in an installed app reads it from app.asar.unpacked, where a shared library can be loaded', () => {
    expect(sqliteNativeBinding('/opt/Backstack/resources/app.asar', { versions: electron45, platform: 'linux', arch: 'x64' })).toBe(
      '/opt/Backstack/resources/app.asar.unpacked/native/electron-150-linux-x64/better_sqlite3.node',
    );
  });

  it("under Node leaves better-sqlite3 to node_modules' own build", () => {
    expect(sqliteNativeBinding('/home/me/backstack', { versions: node20, platform: 'linux', arch: 'x64' })).toBeUndefined();
    expect(sqliteNativeBinding('/home/me/backstack')).toBeUndefined();
  });
});

describe('nativeLoadFailureMessage', () => {
  it('turns a Node build loaded by Electron into one sentence naming the Electron rebuild', () => {
    const file = '/home/me/backstack/native/electron-150-linux-x64/better_sqlite3.node';
    expect(nativeLoadFailureMessage(abiError(file, 115, 150), { name: sqlite, file }, electron45)).toBe(
      'The SQLite module (better-sqlite3) was built for another runtime (ABI 115), not for this Electron 45.5.0 (ABI 150). ' +
        'Run `npm run rebuild:electron` to build it for Electron (`npm start` does this the first time it finds Electron); ' +
        'the Node build in node_modules stays for the CLI and tests.',
    );
  });

  it('turns an Electron build loaded by Node into the Node rebuild', () => {
    const message = nativeLoadFailureMessage(abiError('/x/better_sqlite3.node', 150, 115), { name: sqlite }, node20);
    expect(message).toBe(
      'The SQLite module (better-sqlite3) was built for another runtime (ABI 150), not for this Node.js 20.20.2 (ABI 115). Run `npm run rebuild:node` to build it for this Node.js again.',
    );
  });

  it('says which file is missing when the Electron build was never made', () => {
    const file = path.join(os.tmpdir(), 'backstack-no-such', 'native', 'electron-150-linux-x64', 'better_sqlite3.node');
    let failure: unknown;
    try {
      require(file);
    } catch (e) {
      failure = e;
    }
    expect(nativeLoadFailureMessage(failure, { name: sqlite, file }, electron45)).toBe(
      `The SQLite module (better-sqlite3) is not built for this Electron 45.5.0 (ABI 150): ${file} is missing. ` +
        'Run `npm run rebuild:electron` to build it for Electron (`npm start` does this the first time it finds Electron); ' +
        'the Node build in node_modules stays for the CLI and tests.',
    );
  });

  it('names the rebuild when an addon finds no initializer for this ABI ("did not self-register")', () => {
    const e = Object.assign(new Error("Module did not self-register: '/x/better_sqlite3.node'."), { code: 'ERR_DLOPEN_FAILED' });
    expect(nativeLoadFailureMessage(e, { name: sqlite }, electron45)).toMatch(
      /^The SQLite module \(better-sqlite3\) was built for another runtime, not for this Electron 45\.5\.0 \(ABI 150\)\. Run `npm run rebuild:electron`/,
    );
  });

  it('leaves every other error alone', () => {
    expect(nativeLoadFailureMessage(new Error('SQLITE_CANTOPEN: unable to open database file'), { name: sqlite }, node20)).toBeUndefined();
    expect(
      nativeLoadFailureMessage(Object.assign(new Error("Cannot find module 'zod'"), { code: 'MODULE_NOT_FOUND' }), { name: sqlite, file: '/x.node' }),
    ).toBeUndefined();
    expect(nativeLoadFailureMessage('not an error', { name: sqlite })).toBeUndefined();
  });
});

describe('ssh2 under a runtime its optional binding was not built for', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  // ssh2 loads lib/protocol/crypto/build/Release/sshcrypto.node from a fixed path, so the test copies the
  // package, gives the copy a binding of another ABI, and links the copy's pure-JS dependencies back.
  it.runIf(canPatchAbi)("catches the load error and connects with Node's crypto instead", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-ssh2-abi-'));
    dirs.push(root);
    const real = path.dirname(require.resolve('ssh2/package.json'));
    const copy = path.join(root, 'node_modules', 'ssh2');
    fs.cpSync(real, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}obj.target`) });
    for (const dep of ['asn1', 'bcrypt-pbkdf'])
      fs.symlinkSync(path.dirname(require.resolve(`${dep}/package.json`, { paths: [real] })), path.join(root, 'node_modules', dep));
    const binding = path.join(copy, 'lib/protocol/crypto/build/Release/sshcrypto.node');
    const otherAbi = process.versions.modules === '150' ? 140 : 150;
    copyWithModuleVersion(path.join(real, 'lib/protocol/crypto/build/Release/sshcrypto.node'), binding, otherAbi);

    // It exports only node_register_module_v<ABI>: another runtime finds no initializer of its own ABI.
    expect(() => require(binding)).toThrow(/Module did not self-register/);
    expect((require(path.join(copy, 'lib/protocol/crypto.js')) as { bindingAvailable: boolean }).bindingAvailable).toBe(false);

    const ssh2 = require(copy) as typeof Ssh2;
    const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
    const server = new ssh2.Server({ hostKeys: [hostKey] }, (conn) => {
      conn.on('authentication', (ctx) => ctx.accept());
      conn.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = new ssh2.Client();
    try {
      const cipher = await new Promise<string>((resolve, reject) => {
        let negotiated = '';
        client.on('handshake', (n) => (negotiated = n.cs.cipher));
        client.on('ready', () => resolve(negotiated));
        client.on('error', reject);
        client.connect({ host: '127.0.0.1', port, username: 'backstack', password: 'x' });
      });
      expect(cipher).toMatch(/gcm|chacha20/);
    } finally {
      client.end();
      server.close();
    }
  });
});
