import path from 'node:path';

/**
 * Which compiled native modules a runtime loads.
 *
 * A module written against V8's C++ API (it exports `node_register_module_v<ABI>`) loads only in
 * the runtime whose NODE_MODULE_VERSION it was compiled for; an N-API module
 * (`napi_register_module_v1`) loads in Node and in Electron alike. Backstack's native dependencies:
 *
 * - better-sqlite3: V8 API. Two builds: node_modules' own for Node (CLI, console mode, tests), and
 *   `native/electron-<abi>-<platform>-<arch>/better_sqlite3.node` for the desktop app, built by
 *   scripts/native-electron.cjs (npm start, `npm run rebuild:electron`, `npm run package`) and
 *   passed to better-sqlite3 through its `nativeBinding` option.
 * - ssh2's sshcrypto.node and its optional dependency cpu-features: V8 API (NAN), both optional.
 *   ssh2 requires each in a try/catch, so under Electron the Node build fails to load (Electron
 *   finds no initializer for its ABI: "did not self-register"; the error is caught) and ssh2 uses Node's crypto instead — AES-GCM through
 *   OpenSSL/BoringSSL, ChaCha20-Poly1305 with its WebAssembly Poly1305. The installers leave both
 *   binaries out (electron-builder.yml). native-modules.test.ts checks the fallback.
 * - zstd-napi, @napi-rs/keyring, @napi-rs/blake-hash, @node-rs/crc32: N-API, one build for both.
 */

/** The parts of process.versions that decide which build loads. */
export interface RuntimeVersions {
  node: string;
  /** NODE_MODULE_VERSION (the ABI) as a string, as in process.versions */
  modules: string;
  electron?: string | undefined;
}

export interface NativeTarget {
  versions: RuntimeVersions;
  platform: string;
  arch: string;
}

const here = (): NativeTarget => ({ versions: process.versions, platform: process.platform, arch: process.arch });

/** Folder of the Electron builds, relative to the app; scripts/native-electron.cjs writes the same path. */
export function electronNativeDir(abi: string | number, platform: string, arch: string): string {
  return path.join('native', `electron-${abi}-${platform}-${arch}`);
}

/**
 * Where an installed app keeps the files the OS opens by path (shared libraries, tray icons): beside
 * app.asar, in app.asar.unpacked (electron-builder.yml's asarUnpack). Unchanged when not packaged.
 */
export function outsideAsar(appDir: string): string {
  return appDir.replace(/\.asar$/, '.asar.unpacked');
}

/**
 * better-sqlite3's `nativeBinding` for this runtime: under Electron its own build next to the app;
 * under Node undefined, which keeps node_modules' build.
 */
export function sqliteNativeBinding(appDir: string, target: NativeTarget = here()): string | undefined {
  const { versions, platform, arch } = target;
  if (!versions.electron) return undefined;
  return path.join(outsideAsar(appDir), electronNativeDir(versions.modules, platform, arch), 'better_sqlite3.node');
}

function runtimeName(v: RuntimeVersions): string {
  return v.electron ? `Electron ${v.electron}` : `Node.js ${v.node}`;
}

function rebuildHint(v: RuntimeVersions): string {
  return v.electron
    ? 'Run `npm run rebuild:electron` to build it for Electron (`npm start` does this the first time it finds Electron); the Node build in node_modules stays for the CLI and tests.'
    : 'Run `npm run rebuild:node` to build it for this Node.js again.';
}

// Node's (and Electron's) text for a module compiled for another runtime.
const ABI_MISMATCH = /NODE_MODULE_VERSION (\d+)\.\s*This version of .*?requires\s+NODE_MODULE_VERSION (\d+)/s;

/**
 * One sentence naming the fix when `e` is the failure to load a compiled module (another
 * runtime's ABI, or not built at all); undefined for any other error.
 */
export function nativeLoadFailureMessage(
  e: unknown,
  what: { name: string; file?: string | undefined },
  versions: RuntimeVersions = process.versions,
): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  const mismatch = ABI_MISMATCH.exec(e.message);
  if (mismatch) {
    return `${what.name} was built for another runtime (ABI ${mismatch[1]}), not for this ${runtimeName(versions)} (ABI ${mismatch[2]}). ${rebuildHint(versions)}`;
  }
  // an addon that exports only node_register_module_v<ABI>, loaded by another runtime
  if (e.message.includes('did not self-register')) {
    return `${what.name} was built for another runtime, not for this ${runtimeName(versions)} (ABI ${versions.modules}). ${rebuildHint(versions)}`;
  }
  const missing =
    (code === 'MODULE_NOT_FOUND' && what.file !== undefined && e.message.includes(what.file)) ||
    // the `bindings` package's words when node_modules' build is gone (a failed Electron rebuild deletes it)
    e.message.startsWith('Could not locate the bindings file');
  if (missing) {
    const where = what.file ? `: ${what.file} is missing` : '';
    return `${what.name} is not built for this ${runtimeName(versions)} (ABI ${versions.modules})${where}. ${rebuildHint(versions)}`;
  }
  return undefined;
}
