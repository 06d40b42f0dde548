import { useEffect, useState } from 'react';
import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconSearch } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import { call, subscribe } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { RestoreModal } from '../restore/RestoreModal';
import { backupColumns } from './backup-columns';

export function BackupsPage() {
  const [items, setItems] = useState<BackupView[] | null>(null);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<BackupView | null>(null);
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  useEffect(() => {
    const load = () => void call('backups.list', {}).then((r) => setItems(r.items));
    load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('backups')) load();
    });
  }, []);

  if (items?.length === 0) {
    return (
      <Stack>
        <Title order={2}>Backups</Title>
        <EmptyState icon={<IconArchive size={28} />} title="No restore points yet">
          Each finished backup of an instance or volume appears here as a restore point: restore it, verify it or protect it from pruning. Back up an
          instance from Inventory to create the first one.
        </EmptyState>
      </Stack>
    );
  }
  const verify = async (b: BackupView) => {
    try {
      await call('destinations.startVerify', { id: b.destinationId, backupId: b.id });
      notifications.show({ title: `Verify of ${b.resourceName} started`, message: 'Every chunk of this restore point is re-read and checked.' });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Not started', message: (e as Error).message });
    }
  };
  return (
    <Stack h="100%" gap="sm">
      <Group justify="space-between">
        <Title order={2}>Backups</Title>
        <TextInput
          placeholder="Search restore points"
          leftSection={<IconSearch size={16} />}
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
          aria-label="Search backups"
        />
      </Group>
      <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <div style={{ flex: 3, minWidth: 0 }}>
          <DataTable<BackupView>
            testId="backups-table"
            rows={items ?? []}
            columns={backupColumns}
            getRowId={(b) => `${b.destinationId}/${b.id}`}
            filter={filter}
            selectedId={selected ? `${selected.destinationId}/${selected.id}` : null}
            onRowClick={setSelected}
            initialSort={[{ id: 'created', desc: true }]}
          />
        </div>
        {selected && (
          <Paper withBorder p="md" style={{ flex: 1, minWidth: 280 }} data-testid="backup-detail">
            <Stack gap="xs">
              <Title order={4}>{selected.resourceName}</Title>
              <Text size="sm">
                {selected.kind} backup of {new Date(selected.createdAt).toLocaleString()}
              </Text>
              <Text size="sm" c="dimmed">
                {formatBytes(selected.sizeBytes)} restorable, {formatBytes(selected.newBytes)} new, {formatBytes(selected.storedBytes)} stored
              </Text>
              {selected.disks.map((d) => (
                <Text key={d.name} size="sm">
                  {d.name}: {formatBytes(d.size)}
                </Text>
              ))}
              <Group mt="sm">
                <Button onClick={() => setRestoring(selected)}>Restore…</Button>
                <Button variant="light" onClick={() => void verify(selected)}>
                  Verify
                </Button>
              </Group>
            </Stack>
          </Paper>
        )}
      </Group>
      <RestoreModal backup={restoring} onClose={() => setRestoring(null)} />
    </Stack>
  );
}
