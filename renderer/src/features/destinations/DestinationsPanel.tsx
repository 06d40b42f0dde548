import { useState } from 'react';
import { Button, Group, Stack } from '@mantine/core';
import { IconDatabasePlus, IconDatabase } from '@tabler/icons-react';
import { useQuery } from '../../api/useQuery';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CreateDestination } from './CreateDestination';
import { DestinationCard } from './DestinationCard';

export function DestinationsPanel() {
  const { data, error, reload } = useQuery('destinations.list', {}, { tables: ['destinations'] });
  const [open, setOpen] = useState(false);
  const items = data?.items;
  const add = (
    <Button leftSection={<IconDatabasePlus size={16} />} onClick={() => setOpen(true)}>
      Add a backup destination
    </Button>
  );
  return (
    <Stack>
      <CreateDestination opened={open} onClose={() => setOpen(false)} />
      {error && <ErrorAlert error={error} title="The destinations could not be listed" onRetry={reload} />}
      {items?.length === 0 && (
        <EmptyState icon={<IconDatabase size={28} />} title="No backup destination yet" action={add}>
          A destination is a folder where backups are kept deduplicated, compressed and, if you choose, encrypted. Every backup of every instance goes
          into one; restores read from it even without this catalog.
        </EmptyState>
      )}
      {items && items.length > 0 && <Group justify="flex-end">{add}</Group>}
      {items?.map((d) => (
        <DestinationCard key={d.id} destination={d} />
      ))}
    </Stack>
  );
}
