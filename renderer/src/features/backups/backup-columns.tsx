import { Badge } from '@mantine/core';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import type { Column } from '../../components/DataTable';

export const backupColumns: Column<BackupView>[] = [
  { id: 'resource', header: 'Instance / volume', getValue: (b) => b.resourceName, width: 'minmax(160px, 2fr)' },
  {
    id: 'kind',
    header: 'Kind',
    getValue: (b) => b.kind,
    render: (b) => (
      <Badge variant="light" color={b.kind === 'full' ? 'indigo' : 'teal'}>
        {b.kind}
      </Badge>
    ),
    width: '120px',
  },
  { id: 'created', header: 'Taken', getValue: (b) => b.createdAt, render: (b) => new Date(b.createdAt).toLocaleString(), width: '180px' },
  { id: 'disks', header: 'Disks', getValue: (b) => b.disks.map((d) => d.name).join(', '), width: 'minmax(100px, 1fr)' },
  { id: 'size', header: 'Size', getValue: (b) => b.sizeBytes, render: (b) => formatBytes(b.sizeBytes), width: '100px' },
  { id: 'new', header: 'New data', getValue: (b) => b.newBytes, render: (b) => formatBytes(b.newBytes), width: '100px' },
  { id: 'stored', header: 'Stored', getValue: (b) => b.storedBytes, render: (b) => formatBytes(b.storedBytes), width: '100px' },
];
