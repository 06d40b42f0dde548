import { Stack, Title } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';

export function BackupsPage() {
  return (
    <Stack>
      <Title order={2}>Backups</Title>
      <EmptyState icon={<IconArchive size={28} />} title="No restore points yet">
        Each finished backup of an instance or volume appears here as a restore point: restore it, browse its files, verify it or protect it from
        pruning. Protect an instance to create the first one.
      </EmptyState>
    </Stack>
  );
}
