import { Stack, Title } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';

export function ProtectionPage() {
  return (
    <Stack>
      <Title order={2}>Protection</Title>
      <EmptyState icon={<IconShieldLock size={28} />} title="No protection policy yet">
        A policy says which instances to protect (by name pattern or tag), when (full and incremental schedules), how long to keep backups, and where
        they go. Add a cloud and a backup destination first.
      </EmptyState>
    </Stack>
  );
}
