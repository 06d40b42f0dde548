import type { InstanceSummary } from '../../../../shared/domain/inventory';
import { parentOf } from './PathBar';

/** An instance choice: "cloud id" keeps two clouds' instances apart. */
const instanceKey = (i: { providerId: string; id: string }): string => `${i.providerId} ${i.id}`;

/**
 * The instances a selection can be written into: live ones, the restore point's own first, each
 * labelled with its project, cloud and state (only a running one can take files).
 */
export function instanceChoices(items: InstanceSummary[], own: { providerId: string | null; id: string } | null) {
  const isOwn = (i: InstanceSummary) => own !== null && i.id === own.id && (own.providerId === null || i.providerId === own.providerId);
  return items
    .filter((i) => i.vanishedAt === null)
    .sort((a, b) => Number(isOwn(b)) - Number(isOwn(a)) || a.name.localeCompare(b.name))
    .map((i) => ({
      value: instanceKey(i),
      label: `${i.name} · ${i.projectName ?? i.projectId ?? 'no project'} · ${i.providerName}${i.status === 'ACTIVE' ? '' : ` (${i.status ?? 'state unknown'})`}${isOwn(i) ? ' — backed up here' : ''}`,
      running: i.status === 'ACTIVE',
      own: isOwn(i),
    }));
}

/**
 * The guest folder a selection goes back into by default: the folder it came from (a folder
 * restored whole goes into its parent), as seen from the root of the browsed volume. A whole
 * file system has none: it never goes over the running guest's /.
 */
export function defaultGuestFolder(paths: string[], shownFolder: string): string {
  if (paths.length === 1 && paths[0] === shownFolder) return shownFolder === '/' ? '' : parentOf(shownFolder);
  return shownFolder;
}

/** Why the guest folder cannot be used as typed, or null. */
export function guestFolderProblem(p: string, wholeFs = false): string | null {
  const t = p.trim();
  if (!t.startsWith('/')) return 'Give the whole path, from / in the guest.';
  if (wholeFs && t.replace(/\/+$/, '') === '') return 'A whole file system goes into a folder, never over the guest\'s /.';
  if (t.split('/').some((c) => c === '.' || c === '..')) return 'Without "." or "..".';
  return null;
}
