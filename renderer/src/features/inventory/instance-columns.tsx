import { Badge, Text } from '@mantine/core';
import { formatAge } from '../../../../shared/format';
import type { Column } from '../../components/DataTable';
import { useNow } from '../../components/useNow';
import type { InstanceRow } from '../../stores/inventory.store';

const STATUS_COLOR: Record<string, string> = { ACTIVE: 'green', SHUTOFF: 'gray', ERROR: 'red', BUILD: 'blue', PAUSED: 'yellow', SUSPENDED: 'yellow' };

export function StatusBadge({ status, vanished }: { status: string; vanished?: boolean }) {
  return (
    <Badge color={vanished ? 'gray' : (STATUS_COLOR[status] ?? 'blue')} variant="light">
      {vanished ? 'gone' : status}
    </Badge>
  );
}

/** How old the newest restore point is ("2 h ago", "never"), kept current; the exact time on hover. */
export function BackupAge({ at, never = 'never', hint = '' }: { at: string | null; never?: string; hint?: string }) {
  const now = useNow(60_000);
  return (
    <Text
      component="span"
      size="sm"
      c={at ? undefined : 'orange'}
      title={(at ? `Newest restore point: ${new Date(at).toLocaleString()}` : 'No restore point in any destination') + hint}
    >
      {at ? formatAge(at, now) : never}
    </Text>
  );
}

// The minimum widths leave the name room in the inventory panel of a 1360 px window: the name is
// fitted to the longest one, and the other columns truncate (the full text on hover) first.
export const instanceColumns: Column<InstanceRow>[] = [
  { id: 'name', header: 'Name', getValue: (i) => i.name, width: 'minmax(160px, 2fr)', hideable: false, fitContent: true },
  { id: 'project', header: 'Project', getValue: (i) => i.projectName ?? i.projectId, width: 'minmax(80px, 1fr)' },
  {
    id: 'status',
    header: 'Status',
    getValue: (i) => i.status,
    render: (i) => <StatusBadge status={i.status} vanished={i.vanishedAt !== null} />,
    width: '100px',
  },
  { id: 'host', header: 'Host', getValue: (i) => i.host, width: 'minmax(80px, 1fr)' },
  { id: 'zone', header: 'AZ', getValue: (i) => i.availabilityZone, width: 'minmax(48px, 0.6fr)' },
  {
    id: 'ips',
    header: 'IP addresses',
    getValue: (i) => i.ips.join(' '),
    render: (i) => <span title={i.ips.join(', ')}>{i.ips.join(', ')}</span>,
    width: 'minmax(80px, 1fr)',
  },
  { id: 'flavor', header: 'Flavor', getValue: (i) => i.flavorName, width: 'minmax(72px, 0.8fr)' },
  // Sorted by the time itself: ascending puts the never backed up first, then the oldest.
  {
    id: 'lastBackup',
    header: 'Last backup',
    getValue: (i) => i.lastBackupAt,
    render: (i) => <BackupAge at={i.lastBackupAt} />,
    width: 'minmax(88px, 0.7fr)',
  },
  // Text rather than badges: in a narrow column the first tags stay readable, all of them on hover.
  { id: 'policy', header: 'Policy', getValue: (i) => i.policyName ?? '', render: (i) => i.policyName ?? <Text span size="sm" c="dimmed">none</Text>, width: 'minmax(64px, 0.8fr)' },
  { id: 'tags', header: 'Tags', getValue: (i) => i.tags.join(', '), width: 'minmax(56px, 1fr)' },
  { id: 'disks', header: 'Disks', getValue: (i) => i.diskCount, width: '70px', hidden: true },
  { id: 'cloud', header: 'Cloud', getValue: (i) => i.providerName, width: 'minmax(90px, 1fr)', hidden: true },
];
