import { useEffect, useState } from 'react';
import { Button, Group, Stack } from '@mantine/core';
import { IconDatabasePlus, IconDatabase } from '@tabler/icons-react';
import type { DestinationView } from '../../../../shared/domain/destinations';
import { call, subscribe } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { CreateDestination } from './CreateDestination';
import { DestinationCard } from './DestinationCard';

export function DestinationsPanel() {
  const [items, setItems] = useState<DestinationView[] | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const load = () => void call('destinations.list', {}).then((r) => setItems(r.items));
    load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('destinations')) load();
    });
  }, []);
  const add = (
    <Button leftSection={<IconDatabasePlus size={16} />} onClick={() => setOpen(true)}>
      Add a backup destination
    </Button>
  );
  return (
    <Stack>
      <CreateDestination opened={open} onClose={() => setOpen(false)} />
      {items?.length === 0 && (
        <EmptyState icon={<IconDatabase size={28} />} title="No backup destination yet" action={add}>
          A destination is a folder holding a deduplicating, compressed and optionally encrypted repository. Every backup of every instance goes into
          one; restores read from it even without this catalog.
        </EmptyState>
      )}
      {items && items.length > 0 && <Group justify="flex-end">{add}</Group>}
      {items?.map((r) => (
        <DestinationCard key={r.id} repo={r} />
      ))}
    </Stack>
  );
}
