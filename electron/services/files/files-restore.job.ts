import path from 'node:path';
import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import type { JobKind } from '../../jobs/types';
import type { FilesService } from './files.service';

/**
 * Files and folders of a restore point copied into a folder of the machine Backstack runs on
 * (filesystems/extract.ts: each file under a temporary name, renamed into place when complete, so
 * a cancel leaves no partial file under its name; nothing written outside the folder). What was
 * not restored is logged as a warning, with why.
 */
export function filesRestoreJob(files: FilesService): JobKind<'files.restore'> {
  return {
    kind: 'files.restore',
    describeTarget: (p) => `${p.paths.length === 1 ? p.paths[0] : `${p.paths.length} entries`} of ${p.backupId} → ${p.out}`,
    async run(ctx) {
      const { out, conflict, paths, ...target } = ctx.params;
      if (!path.isAbsolute(out)) throw new AppError('validation.invalidInput', `"${out}" is not an absolute path: give the whole path of the folder to restore into.`);
      ctx.log('info', `Restoring ${paths.join(', ')} into ${out} (existing files: ${conflict}).`);
      ctx.progress({ phase: 'Copying files', bytesDone: 0 });
      let bytes = 0;
      const r = await files.extract(
        { ...target, paths },
        {
          out,
          conflict,
          signal: ctx.signal,
          onFile: (_p, size) => {
            bytes += size;
            ctx.progress({ bytesDone: bytes });
          },
        },
      );
      for (const x of r.renamed) ctx.log('info', `${x.path} written as ${x.as} (the name was taken).`);
      for (const x of r.skipped) ctx.log('warn', `${x.path} not restored: ${x.reason}.`);
      ctx.progress({ phase: 'Restored', bytesDone: r.bytes, bytesTotal: r.bytes });
      return {
        summary: `${r.files} file${r.files === 1 ? '' : 's'} (${formatBytes(r.bytes)}), ${r.folders} folder${r.folders === 1 ? '' : 's'} and ${r.symlinks} link${r.symlinks === 1 ? '' : 's'} restored into ${out}${r.skipped.length ? `; ${r.skipped.length} not restored (see the log)` : ''}`,
      };
    },
  };
}
