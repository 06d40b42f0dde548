import { Badge } from '@mantine/core';
import type { Column } from '../../components/DataTable';
import { BackupAge } from './instance-columns';
import { attachedText, type VolumeRow } from './volume-rows';

// Cinder's statuses: in use and available are the usual ones, the -ing ones pass, the error ones need a look.
const STATUS_COLOR: Record<string, string> = { available: 'green', 'in-use': 'blue', 'backing-up': 'yellow', maintenance: 'yellow' };

export function VolumeStatusBadge({ status }: { status: string }) {
  return (
    <Badge color={status.startsWith('error') ? 'red' : (STATUS_COLOR[status] ?? 'gray')} variant="light">
      {status}
    </Badge>
  );
}

export const sizeText = (v: VolumeRow) => (v.sizeGb !== null ? `${v.sizeGb} GiB` : '-');

/** Why an attached volume can show "never backed up" while its instance has restore points. */
export const OWN_BACKUPS_HINT =
  '. Counts the backups of the volume on its own; a backup of the instance it is attached to takes it as one of its disks.';

export const volumeColumns: Column<VolumeRow>[] = [
  { id: 'name', header: 'Name', getValue: (v) => v.name || v.id, width: 'minmax(140px, 1.2fr)', hideable: false, fitContent: true },
  { id: 'project', header: 'Project', getValue: (v) => v.projectName ?? v.projectId, width: 'minmax(80px, 1fr)' },
  { id: 'size', header: 'Size', getValue: (v) => v.sizeGb, render: sizeText, width: '80px' },
  { id: 'status', header: 'Status', getValue: (v) => v.status, render: (v) => <VolumeStatusBadge status={v.status} />, width: '110px' },
  {
    id: 'attached',
    header: 'Attached to',
    getValue: attachedText,
    render: (v) => <span title={attachedText(v)}>{attachedText(v) || '-'}</span>,
    width: 'minmax(150px, 1.6fr)',
  },
  { id: 'type', header: 'Type', getValue: (v) => v.volumeType, width: 'minmax(80px, 0.8fr)' },
  // Sorted by the time itself: ascending puts the never backed up first, then the oldest.
  {
    id: 'lastBackup',
    header: 'Last backup',
    getValue: (v) => v.lastBackupAt,
    render: (v) => <BackupAge at={v.lastBackupAt} never="never backed up" hint={OWN_BACKUPS_HINT} />,
    width: '140px',
  },
  { id: 'backend', header: 'Backend', getValue: (v) => v.backend, width: 'minmax(70px, 0.8fr)', hidden: true },
  { id: 'cloud', header: 'Cloud', getValue: (v) => v.providerName, width: 'minmax(90px, 1fr)', hidden: true },
];
