import { useState } from 'react';
import { Button, Stack } from '@mantine/core';
import { IconDatabasePlus, IconDatabase } from '@tabler/icons-react';
import { useQuery } from '../../api/useQuery';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { CopyTargets } from './CopyTargets';
import { CreateDestination } from './CreateDestination';
import { DestinationCard } from './DestinationCard';

/** The backup destinations: one card each (usage, verify, prune, collect garbage), the create / add dialog, and the offsite copies. */
export function DestinationsPage() {
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
      <PageHeader title="Destinations">{items && items.length > 0 && add}</PageHeader>
      <CreateDestination opened={open} onClose={() => setOpen(false)} />
      {error && <ErrorAlert error={error} title="The destinations could not be listed" onRetry={reload} />}
      {items?.length === 0 && (
        <EmptyState icon={<IconDatabase size={28} />} title="No backup destination yet" action={add}>
          A destination is a folder where backups are kept deduplicated, compressed and, if you choose, encrypted. Every backup of every instance goes
          into one; restores read from it even without this catalog.
        </EmptyState>
      )}
      {items?.map((d) => (
        <DestinationCard key={d.id} destination={d} />
      ))}
      {items && items.length > 0 && <CopyTargets destinations={items} />}
    </Stack>
  );
}
