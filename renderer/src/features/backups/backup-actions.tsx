import { IconChecks, IconShieldCheck, IconShieldOff } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import type { Action } from '../../api/actions';
import { call } from '../../api/client';

const names = (items: BackupView[]) => (items.length === 1 ? items[0]!.resourceName : `${items.length} restore points`);

const setProtected = async (items: BackupView[], on: boolean) => {
  for (const b of items) await call('backups.setProtected', { destinationId: b.destinationId, backupId: b.id, protected: on });
};

export const verifyBackup: Action<BackupView> = {
  id: 'verify',
  label: 'Verify',
  icon: <IconChecks size={14} />,
  run: async (items) => {
    for (const b of items) await call('destinations.startVerify', { id: b.destinationId, backupId: b.id });
    return 'Every chunk of the restore point is re-read and checked: follow it in Jobs.';
  },
  done: (items) => `Verify of ${names(items)} started`,
};

// The mark is written into the destination, so every workstation that uses it honours it.
export const protectBackup: Action<BackupView> = {
  id: 'protect',
  label: 'Protect from pruning',
  icon: <IconShieldCheck size={14} />,
  isAllowed: (b) => !b.protected,
  run: async (items) => {
    await setProtected(items, true);
    return 'Prune keeps it whatever the keep rules say, on every workstation that uses this destination.';
  },
  done: (items) => `${names(items)} protected from pruning`,
};

export const unprotectBackup: Action<BackupView> = {
  id: 'unprotect',
  label: 'Remove protection',
  icon: <IconShieldOff size={14} />,
  isAllowed: (b) => b.protected,
  run: async (items) => {
    await setProtected(items, false);
    return 'Prune removes it again when no keep rule keeps it.';
  },
  done: (items) => `Protection of ${names(items)} removed`,
};

export const backupActions = [verifyBackup, protectBackup, unprotectBackup];
