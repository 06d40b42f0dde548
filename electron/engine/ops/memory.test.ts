import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('memory', () => {
  it('stays under 256 MiB RSS backing up and restoring a 512 MiB disk (4 MiB chunks, encrypted)', { timeout: 120_000 }, () => {
    if (process.platform !== 'linux') return; // VmHWM is Linux's
    const { dir, cleanup } = tempDir();
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, '../testing/memory-child.ts'), dir, '512'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { peakRssMiB: number; same: boolean };
      expect(out.same).toBe(true);
      expect(out.peakRssMiB).toBeLessThan(256);
    } finally {
      cleanup();
    }
  });
});
