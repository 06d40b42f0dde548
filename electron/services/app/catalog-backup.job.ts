import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import type { Catalog } from '../../catalog';
import type { JobKind } from '../../jobs/types';

/**
 * An online, consistent copy of the catalog (SQLite's backup API, page by page, so the app
 * keeps working meanwhile). Never overwrites an existing file.
 */
export function catalogBackupJob(catalog: Catalog): JobKind<'catalog.backup'> {
  return {
    kind: 'catalog.backup',
    describeTarget: (p) => `catalog → ${p.file}`,
    async run(ctx) {
      const dest = path.resolve(ctx.params.file);
      if (!fs.existsSync(path.dirname(dest)))
        throw new AppError('resource.notFound', `The folder ${path.dirname(dest)} does not exist. Create it or choose another file.`);
      if (fs.existsSync(dest))
        throw new AppError('resource.conflict', `${dest} already exists. Choose a new file name; Backstack never overwrites a file.`);
      ctx.log('info', `Copying the catalog ${catalog.path} to ${dest}.`);
      const pageSize = catalog.db.pragma('page_size', { simple: true }) as number;
      ctx.progress({ phase: 'Copying the catalog', bytesDone: 0 });
      try {
        await catalog.db.backup(dest, {
          progress: ({ totalPages, remainingPages }) => {
            // Throwing here makes SQLite abandon the copy; the partial file is removed below.
            ctx.signal.throwIfAborted();
            ctx.progress({ bytesDone: (totalPages - remainingPages) * pageSize, bytesTotal: totalPages * pageSize });
            // Pages per step: small enough to keep the event loop responsive.
            return 64;
          },
        });
      } catch (e) {
        fs.rmSync(dest, { force: true });
        throw e;
      }
      const size = fs.statSync(dest).size;
      ctx.progress({ phase: 'Copied', bytesDone: size, bytesTotal: size });
      ctx.log('info', `Catalog copied (${formatBytes(size)}).`);
      return { summary: `${formatBytes(size)} written to ${dest}` };
    },
  };
}
