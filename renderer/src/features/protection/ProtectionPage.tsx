import { Link } from 'react-router';
import { Anchor, Stack } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function ProtectionPage() {
  return (
    <Stack>
      <PageHeader title="Protection" />
      <EmptyState icon={<IconShieldLock size={28} />} title="Protection policies come in a later version">
        A policy will say which instances to protect (by name pattern or tag), when (full and incremental schedules), how long to keep backups, and
        where they go. Until then, back up an instance from its detail in{' '}
        <Anchor component={Link} to="/inventory" inherit>
          Inventory
        </Anchor>
        , and prune a destination with keep rules in{' '}
        <Anchor component={Link} to="/destinations" inherit>
          Destinations
        </Anchor>
        .
      </EmptyState>
    </Stack>
  );
}
