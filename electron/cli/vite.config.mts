import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { externalizeDepsPlugin } from 'electron-vite';

const root = resolve(import.meta.dirname, '../..');

// Pure-JavaScript packages the CLI needs whenever it opens the core (zod for the contract) or
// that are small: bundled, they load as part of one file instead of a hundred resolved ones.
const BUNDLED = ['zod', 'commander', 'fast-xml-parser', 'yaml', 'ws', 'croner'];
// Required on first use instead of when their importer loads (the "inline requires" of Metro):
// the core imports the OpenStack client's HTTP stack, SSH and the engine's native codecs at its
// top, and `status` or `instances list` would pay ≈ 150 ms CPU to load what they never call.
const ON_FIRST_USE = ['undici', 'ssh2', 'zstd-napi', '@napi-rs/blake-hash', '@node-rs/crc32'];

const LAZY_REQUIRE = `const __requireOnFirstUse = (id, esm) => {
  let m;
  const load = () => (m ??= require(id));
  return new Proxy({}, {
    get: (_, k) => (esm && k === 'default' && !load().__esModule ? load() : load()[k]),
    has: (_, k) => k in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, k) => { const d = Object.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; },
  });
};
`;

/**
 * Rewrites the chunks' `let x = require("pkg")` of ON_FIRST_USE packages (and the `__toESM`
 * interop that follows a namespace import) into a proxy that requires the package when a
 * property is first read. Imports compile to property reads at the call site
 * (`(0, undici.request)(…)`), so the package loads when first called.
 */
function requireOnFirstUse(): Plugin {
  const ids = new Set(ON_FIRST_USE);
  return {
    name: 'backstack:require-on-first-use',
    renderChunk(code) {
      let used = false;
      const out = code.replace(
        /^let (\w+) = require\("([^"]+)"\);(\n\1 = require_rolldown_runtime\.__toESM\(\1\);)?$/gm,
        (line, name: string, id: string, esm: string | undefined) => {
          const pkg = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!;
          if (!ids.has(pkg)) return line;
          used = true;
          return `let ${name} = __requireOnFirstUse(${JSON.stringify(id)}${esm ? ', true' : ''});`;
        },
      );
      return used ? { code: LAZY_REQUIRE + out, map: null } : null;
    },
  };
}

// The CLI as plain Node JavaScript (npm run build:cli; `prepare` runs it on install): the app's
// toolchain and electron-vite's Node preset for the main process, without Electron. Native
// packages stay in node_modules; commands load their code when they run (electron/cli/main.ts).
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  plugins: [externalizeDepsPlugin({ exclude: BUNDLED }), requireOnFirstUse()],
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    minify: false,
    reportCompressedSize: false,
    copyPublicDir: false,
    rolldownOptions: {
      input: {
        backstack: resolve(root, 'electron/cli/entry.ts'),
        // Worker threads start from files of their own; entry.ts points the engine at them.
        'chunk-worker': resolve(root, 'electron/engine/workers/chunk-worker.ts'),
        'nbd-reader-worker': resolve(root, 'electron/transfer/libvirt-ssh/nbd-reader-worker.ts'),
      },
      external: builtinModules.flatMap((m) => [m, `node:${m}`]),
      output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { noExternal: true },
});
