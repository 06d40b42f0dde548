import { useEffect, useState } from 'react';
import { Badge, Button, Group, Menu, Stack, Text, Timeline } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconDeviceFloppy } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import { call, subscribe } from '../../api/client';
import { RestoreModal } from '../restore/RestoreModal';

/** "Back up now" and the instance's restore points as a timeline, newest first. */
export function InstanceBackups({ providerId, instanceId, name }: { providerId: string; instanceId: string; name: string }) {
  const [items, setItems] = useState<BackupView[]>([]);
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  useEffect(() => {
    const load = () => void call('backups.list', { resourceId: instanceId }).then((r) => setItems(r.items));
    load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('backups')) load();
    });
  }, [instanceId]);
  const backUp = async (mode: 'auto' | 'full' | 'incremental') => {
    try {
      const { jobId } = await call('backups.start', { providerId, instanceId, mode });
      notifications.show({ title: `Backup of ${name} started`, message: `Follow job ${jobId.slice(0, 8)} in Jobs.` });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Backup not started', message: (e as Error).message });
    }
  };
  return (
    <Stack>
      <Group>
        <Button.Group>
          <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => void backUp('auto')}>
            Back up now
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button px={8} aria-label="Backup kind">
                <IconChevronDown size={16} />
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => void backUp('full')}>Full backup</Menu.Item>
              <Menu.Item onClick={() => void backUp('incremental')}>Incremental backup</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Button.Group>
        <Text size="xs" c="dimmed">
          Incremental when the snapshot kept by the last backup is usable; otherwise full, and the job log says why.
        </Text>
      </Group>
      {items.length === 0 ? (
        <Text c="dimmed">No backup of this instance yet.</Text>
      ) : (
        <Timeline bulletSize={18} lineWidth={2} data-testid="backup-timeline">
          {items.map((b) => (
            <Timeline.Item
              key={`${b.destinationId}/${b.id}`}
              title={
                <Group gap="xs">
                  <Text fw={600}>{new Date(b.createdAt).toLocaleString()}</Text>
                  <Badge size="sm" variant="light" color={b.kind === 'full' ? 'indigo' : 'teal'}>
                    {b.kind}
                  </Badge>
                </Group>
              }
            >
              <Text size="sm" c="dimmed">
                {b.disks.map((d) => d.name).join(', ')} — {formatBytes(b.sizeBytes)} restorable, {formatBytes(b.newBytes)} new
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={() => setRestoring(b)}>
                Restore…
              </Button>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      <RestoreModal backup={restoring} onClose={() => setRestoring(null)} />
    </Stack>
  );
}
