import type { ReactNode } from 'react';
import { Badge, Button, Group, Menu, Text, Timeline } from '@mantine/core';
import { IconChevronDown, IconDeviceFloppy } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import { ProtectedBadge } from '../backups/backup-columns';
import { VerificationBadge } from '../backups/VerificationBadge';

/** "Back up now" with the other kinds of backup in a menu beside it (menu: Menu.Item children). */
export function BackUpButton(props: { label: string; busy: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <Button.Group>
      <Button leftSection={<IconDeviceFloppy size={16} />} loading={props.busy} onClick={props.onClick}>
        {props.label}
      </Button>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button px={8} aria-label="Backup kind" disabled={props.busy}>
            <IconChevronDown size={16} />
          </Button>
        </Menu.Target>
        <Menu.Dropdown>{props.children}</Menu.Dropdown>
      </Menu>
    </Button.Group>
  );
}

/** Restore points newest first, each with its kind, badges, disks and sizes, and what can be done with it. */
export function RestorePointTimeline({ items, actions }: { items: BackupView[]; actions: (b: BackupView) => ReactNode }) {
  return (
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
              <ProtectedBadge backup={b} />
              <VerificationBadge backup={b} />
            </Group>
          }
        >
          <Text size="sm" c="dimmed">
            {b.disks.map((d) => d.name).join(', ')} — {formatBytes(b.sizeBytes)} restorable, {formatBytes(b.newBytes)} new
          </Text>
          <Group gap={4}>{actions(b)}</Group>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
