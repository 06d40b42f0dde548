import { BackupVerification } from '../../../shared/domain/restore-verify';
import { readNote, writeNote, type BackupRef, type Repository } from '../../engine';

/** The restore point's note that holds its last boot check (engine/FORMAT.md, "Notes"). */
export const VERIFICATION_NOTE = 'verification';

/** The evidence kept in the destination, or null (never checked, or a note this version cannot read: the restore point is not affected). */
export async function readVerification(repo: Repository, ref: BackupRef): Promise<BackupVerification | null> {
  const raw = await readNote(repo, ref, VERIFICATION_NOTE).catch(() => null);
  const parsed = BackupVerification.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function writeVerification(repo: Repository, ref: BackupRef, v: BackupVerification): Promise<void> {
  return writeNote(repo, ref, VERIFICATION_NOTE, BackupVerification.parse(v));
}
