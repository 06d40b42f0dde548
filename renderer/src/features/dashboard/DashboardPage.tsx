import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconCloudPlus, IconShieldCheck } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { useJobsStore } from '../../stores/jobs.store';
import { useNow } from '../../components/useNow';
import { JobsChart } from './JobsChart';
import { ProtectionCard } from './ProtectionCard';
import { StorageCard } from './StorageCard';

function Stat(props: { label: string; value: string | number; hint?: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="sm" c="dimmed">
        {props.label}
      </Text>
      <Text fz={28} fw={700}>
        {props.value}
      </Text>
      {props.hint && (
        <Text size="xs" c="dimmed">
          {props.hint}
        </Text>
      )}
    </Card>
  );
}

export function DashboardPage() {
  const navigate = useNavigate();
  const providers = useAppStore((s) => s.providers);
  const status = useAppStore((s) => s.status);
  const byId = useJobsStore((s) => s.byId);
  const now = useNow(60_000);
  const jobs = useMemo(() => Object.values(byId).filter((j) => Date.parse(j.createdAt) > now - 86_400_000), [byId, now]);
  const failed = jobs.filter((j) => j.state === 'failed' || j.state === 'interrupted').length;

  return (
    <Stack>
      <PageHeader title="Dashboard" />
      {status && providers.length === 0 && (
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
      )}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Clouds" value={providers.length} hint={providers.length ? providers.map((p) => p.name).join(', ') : 'none yet'} />
        <Stat label="Jobs (24 h)" value={jobs.length} />
        <Stat label="Failed (24 h)" value={failed} hint={failed ? 'see Jobs for their logs' : 'nothing failed'} />
        <Stat label="Running now" value={status?.jobsRunning ?? '-'} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ProtectionCard />
        <StorageCard />
      </SimpleGrid>
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Jobs in the last 24 hours</Text>
          <Button variant="subtle" size="xs" onClick={() => void navigate('/jobs')}>
            Open Jobs
          </Button>
        </Group>
        <JobsChart jobs={jobs} now={now} />
      </Card>
    </Stack>
  );
}
