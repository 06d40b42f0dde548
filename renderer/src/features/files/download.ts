import type { FilesTarget } from '../../../../shared/domain/files';
import { call } from '../../api/client';

/**
 * Downloads files and folders of one folder of a restore point (console mode): the core checks
 * the selection first (so a missing path or a refusal is an error shown here, not a failed
 * download), then the browser fetches the single-use link and saves it with its own download
 * manager, streamed as it is read from the destination.
 */
export async function downloadFiles(target: FilesTarget, paths: string[]): Promise<string> {
  const d = await call('files.prepareDownload', { ...target, paths });
  const a = document.createElement('a');
  a.href = `/api/files/download/${encodeURIComponent(d.ticket)}`;
  a.download = d.name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  return d.name;
}
