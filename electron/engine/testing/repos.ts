import path from 'node:path';
import { initRepository, openRepository, type Repository } from '../repository';
import { tempDir } from './fixtures';

export const PASSPHRASE = 'test passphrase';
/** scrypt cost for tests: the real default (2^15) is for people, not for CI. */
export const FAST_KDF = { N: 1024, r: 8, p: 1 };

export interface TestRepo {
  repo: Repository;
  dir: string;
  work: string;
  cleanup: () => Promise<void>;
}

export async function makeRepo(opts: { encrypted?: boolean; chunkSize?: number; compressionLevel?: number } = {}): Promise<TestRepo> {
  const { dir: work, cleanup } = tempDir();
  const dir = path.join(work, 'repo');
  await initRepository(dir, {
    ...(opts.encrypted ? { passphrase: PASSPHRASE, kdf: FAST_KDF } : {}),
    chunkSize: opts.chunkSize ?? 256 * 1024,
    ...(opts.compressionLevel === undefined ? {} : { compressionLevel: opts.compressionLevel }),
  });
  const repo = await openRepository(dir, opts.encrypted ? { passphrase: PASSPHRASE, workers: 2 } : { workers: 2 });
  return {
    repo,
    dir,
    work,
    cleanup: async () => {
      await repo.close();
      cleanup();
    },
  };
}
