import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toAppError } from '../lib/errors';
import { canPatchAbi, copyWithModuleVersion } from '../lib/testing/abi-patch';
import { CatalogError, openCatalog } from './db';

const require = createRequire(import.meta.url);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-catalog-native-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function openError(nativeBinding: string): unknown {
  try {
    openCatalog(':memory:', { nativeBinding }).close();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('openCatalog and the SQLite module', () => {
  it('opens with the build it is given', () => {
    const built = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const catalog = openCatalog(':memory:', { nativeBinding: built });
    expect(catalog.schemaVersion()).toBeGreaterThan(0);
    catalog.close();
  });

  // A real ABI mismatch: better-sqlite3's own build, patched to claim another NODE_MODULE_VERSION.
  it.runIf(canPatchAbi)('refuses a build for another runtime with one message naming the fix, not a stack', () => {
    const other = process.versions.modules === '150' ? 140 : 150;
    const file = path.join(dir, `better_sqlite3-abi${other}.node`);
    const built = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    copyWithModuleVersion(built, file, other);

    const e = openError(file);
    expect(e).toBeInstanceOf(CatalogError);
    expect((e as CatalogError).message).toBe(
      `The SQLite module (better-sqlite3) was built for another runtime (ABI ${other}), not for this Node.js ${process.versions.node} (ABI ${process.versions.modules}). ` +
        'Run `npm run rebuild:node` to build it for this Node.js again.',
    );
    // The cause keeps Node's own words for whoever reads a log.
    expect(String((e as Error).cause)).toContain(`NODE_MODULE_VERSION ${other}`);
    // At the boundary (CLI, console, IPC) it stays that one sentence.
    expect(toAppError(e).toPayload()).toEqual({ code: 'unsupported', message: (e as Error).message, retryable: false });
  });

  it('says which file is missing when a build was never made', () => {
    const file = path.join(dir, 'native', 'electron-150-linux-x64', 'better_sqlite3.node');
    const e = openError(file);
    expect(e).toBeInstanceOf(CatalogError);
    expect((e as Error).message).toContain(
      `is not built for this Node.js ${process.versions.node} (ABI ${process.versions.modules}): ${file} is missing.`,
    );
  });
});

describe('the installation id', () => {
  it('is made once per catalog and survives reopening', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-installation-'));
    try {
      const file = path.join(dir, 'catalog.sqlite');
      const first = openCatalog(file);
      const id = first.installationId();
      first.close();
      const again = openCatalog(file);
      expect(again.installationId()).toBe(id);
      again.close();
      expect(id).toMatch(/^[0-9a-f]{12}$/);
      const other = openCatalog(':memory:');
      expect(other.installationId()).not.toBe(id);
      other.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
