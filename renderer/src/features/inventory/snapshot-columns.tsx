import { Badge, Text, Tooltip } from '@mantine/core';
import type { SnapshotItem } from '../../../../shared/domain/snapshots';
import { formatBytes } from '../../../../shared/format';
import type { Action } from '../../api/actions';
import { call } from '../../api/client';
import { ActionMenu } from '../../components/ActionButtons';
import type { Column } from '../../components/DataTable';

export type SnapshotRow = SnapshotItem & { providerId: string; instanceId: string; instanceName: string };

/** Deletes one snapshot; `deleted` re-reads the list (it comes from the cloud, not the catalog). */
const deleteSnapshot = (deleted: () => void): Action<SnapshotRow> => ({
  id: 'delete-snapshot',
  label: 'Delete…',
  danger: true,
  // Another installation's snapshot is never deleted from here (it may still need it).
  isAllowed: (s) => s.madeBy !== 'other',
  confirm: ([s]) => ({
    title: `Delete the snapshot ${s!.name}?`,
    message:
      s!.purpose === 'incremental'
        ? `Backstack keeps it for the next incremental backup of ${s!.instanceName}: after it is deleted, that backup is full. The snapshot cannot be brought back.`
        : `It is deleted in the cloud (${s!.kind === 'instance' ? 'the Glance image' : 'the Cinder snapshot'}) and cannot be brought back. Restore points in destinations are not affected.`,
    confirmLabel: 'Delete',
  }),
  run: async ([s]) => {
    const r = await call('snapshots.delete', {
      providerId: s!.providerId,
      instanceId: s!.instanceId,
      kind: s!.kind,
      id: s!.id,
      confirmIncremental: s!.purpose === 'incremental',
    });
    deleted();
    return `${r.deleted} is gone from the cloud.`;
  },
  done: ([s]) => `Snapshot ${s!.name} deleted`,
});

const MADE_BY: Record<'this' | 'other', { label: string; color: string; tip: string }> = {
  this: { label: 'here', color: 'indigo', tip: 'Taken by this Backstack installation.' },
  other: { label: 'other Backstack', color: 'gray', tip: 'Taken by another Backstack installation: it is not deleted from here.' },
};

export const snapshotColumns = (deleted: () => void): Column<SnapshotRow>[] => [
  {
    id: 'name',
    header: 'Snapshot',
    getValue: (s) => s.name,
    render: (s) => (
      <div style={{ minWidth: 0 }}>
        <Text fw={600} truncate title={s.name || s.id}>
          {s.name || s.id}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {s.kind === 'instance' ? 'of the instance' : `of volume ${s.device ?? s.volumeId}`}
        </Text>
      </div>
    ),
    width: 'minmax(160px, 2fr)',
  },
  {
    id: 'status',
    header: 'Status',
    getValue: (s) => s.status,
    render: (s) => (
      <Badge
        variant="light"
        color={['active', 'available'].includes(s.status) ? 'green' : s.status.startsWith('error') || s.status === 'killed' ? 'red' : 'blue'}
      >
        {s.status}
      </Badge>
    ),
    width: '110px',
  },
  { id: 'size', header: 'Size', getValue: (s) => s.sizeBytes, render: (s) => (s.sizeBytes === null ? '-' : formatBytes(s.sizeBytes)), width: '80px' },
  {
    id: 'created',
    header: 'Created',
    getValue: (s) => s.createdAt,
    render: (s) => (s.createdAt ? new Date(s.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '-'),
    width: '150px',
  },
  {
    id: 'madeBy',
    header: 'Made by',
    getValue: (s) => s.madeBy,
    render: (s) =>
      s.madeBy ? (
        <Tooltip label={`${MADE_BY[s.madeBy].tip}${s.purpose === 'incremental' ? ' Kept for the next incremental backup.' : ''}`}>
          <Badge variant="light" color={MADE_BY[s.madeBy].color}>
            {MADE_BY[s.madeBy].label}
          </Badge>
        </Tooltip>
      ) : (
        <Text size="sm" c="dimmed">
          the cloud
        </Text>
      ),
    width: '120px',
  },
  {
    id: 'actions',
    header: '',
    getValue: () => null,
    render: (s) => <ActionMenu actions={[deleteSnapshot(deleted)]} item={s} label={`Actions for ${s.name || s.id}`} />,
    width: '48px',
  },
];
