import { useNavigate } from 'react-router';
import { Button, Card, Grid, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconCloudPlus, IconShieldCheck } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../stores/app.store';
import { FigureCards } from './FigureCards';
import { JobsCard } from './JobsCard';
import { NextRunsCard } from './NextRunsCard';
import { ProtectionCard } from './ProtectionCard';
import { RpoCard } from './RpoCard';
import { StorageCard } from './StorageCard';
import { useDashboard } from './useDashboard';

function Welcome() {
  const navigate = useNavigate();
  return (
    <Card withBorder>
      <EmptyState
        icon={<IconShieldCheck size={28} />}
        title="Welcome to Backstack"
        action={
          <Button leftSection={<IconCloudPlus size={16} />} onClick={() => void navigate('/clouds')}>
            Add your first cloud
          </Button>
        }
      >
        Backstack backs up and restores OpenStack instances, with the volumes attached to them. Start by adding a cloud: its Keystone URL and
        credentials, or an openrc / clouds.yaml file. Then choose a backup destination and back up your first instances.
      </EmptyState>
    </Card>
  );
}

/** Protection, RPO compliance, next runs, storage and the last 24 hours of jobs; each figure opens the list behind it. */
export function DashboardPage() {
  const providers = useAppStore((s) => s.providers);
  const status = useAppStore((s) => s.status);
  const { data: d, error, reload } = useDashboard();
  const now = useNow(60_000);

  return (
    <Stack>
      <PageHeader title="Dashboard" />
      {status && providers.length === 0 && <Welcome />}
      {error && <ErrorAlert error={error} title="The dashboard's figures could not be read" onRetry={reload} />}
      {!d && !error && (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      )}
      {d && (
        <>
          <FigureCards d={d} />
          <Grid>
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <ProtectionCard policies={d.policies} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <NextRunsCard d={d} now={now} />
            </Grid.Col>
          </Grid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <RpoCard d={d} now={now} />
            <StorageCard storage={d.storage} />
          </SimpleGrid>
          <JobsCard jobs={d.jobs} />
        </>
      )}
    </Stack>
  );
}
