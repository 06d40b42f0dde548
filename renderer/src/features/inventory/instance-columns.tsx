import { Badge, Group } from '@mantine/core';
import type { Column } from '../../components/DataTable';
import type { InstanceRow } from '../../stores/inventory.store';

const STATUS_COLOR: Record<string, string> = { ACTIVE: 'green', SHUTOFF: 'gray', ERROR: 'red', BUILD: 'blue', PAUSED: 'yellow', SUSPENDED: 'yellow' };

export function StatusBadge({ status, vanished }: { status: string; vanished?: boolean }) {
  return (
    <Badge color={vanished ? 'gray' : (STATUS_COLOR[status] ?? 'blue')} variant="light">
      {vanished ? 'gone' : status}
    </Badge>
  );
}

export const instanceColumns: Column<InstanceRow>[] = [
  { id: 'name', header: 'Name', getValue: (i) => i.name, width: 'minmax(160px, 2fr)' },
  { id: 'project', header: 'Project', getValue: (i) => i.projectName ?? i.projectId, width: 'minmax(120px, 1fr)' },
  {
    id: 'status',
    header: 'Status',
    getValue: (i) => i.status,
    render: (i) => <StatusBadge status={i.status} vanished={i.vanishedAt !== null} />,
    width: '110px',
  },
  { id: 'host', header: 'Host', getValue: (i) => i.host, width: 'minmax(120px, 1fr)' },
  { id: 'flavor', header: 'Flavor', getValue: (i) => i.flavorName, width: '120px' },
  {
    id: 'tags',
    header: 'Tags',
    getValue: (i) => i.tags.join(' '),
    render: (i) => (
      <Group gap={4} wrap="nowrap">
        {i.tags.map((t) => (
          <Badge key={t} size="xs" variant="outline">
            {t}
          </Badge>
        ))}
      </Group>
    ),
    width: 'minmax(120px, 1fr)',
  },
  { id: 'disks', header: 'Disks', getValue: (i) => i.diskCount, width: '70px' },
  { id: 'cloud', header: 'Cloud', getValue: (i) => i.providerName, width: '110px' },
];
