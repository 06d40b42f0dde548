import { useNavigate, useParams } from 'react-router';
import { Code, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconCloud } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';
import { useAppStore } from '../../stores/app.store';
import { AboutPanel } from './AboutPanel';
import { AppearancePanel } from './AppearancePanel';

const TABS = ['providers', 'destinations', 'appearance', 'about'] as const;

function ProvidersPanel() {
  const providers = useAppStore((s) => s.providers);
  if (providers.length === 0) {
    return (
      <EmptyState icon={<IconCloud size={28} />} title="No cloud yet">
        A cloud is a Keystone URL, a region and the credentials of its authentication domains. From a terminal:{' '}
        <Code>backstack provider add --name prod --openrc ~/admin-openrc</Code>
      </EmptyState>
    );
  }
  return (
    <Stack>
      {providers.map((p) => (
        <Text key={p.id}>
          {p.name} — {p.authUrl} ({p.region})
        </Text>
      ))}
    </Stack>
  );
}

export function SettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t === tab) ?? 'providers';
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs value={current} onChange={(v) => void navigate(`/settings/${v ?? 'providers'}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="providers">Clouds</Tabs.Tab>
          <Tabs.Tab value="destinations">Backup destinations</Tabs.Tab>
          <Tabs.Tab value="appearance">Appearance & jobs</Tabs.Tab>
          <Tabs.Tab value="about">About</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="providers" pt="md">
          <ProvidersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="destinations" pt="md">
          <Text c="dimmed">
            No backup destination yet. A destination is a folder holding a deduplicating, optionally encrypted backup repository.
          </Text>
        </Tabs.Panel>
        <Tabs.Panel value="appearance" pt="md">
          <AppearancePanel />
        </Tabs.Panel>
        <Tabs.Panel value="about" pt="md">
          <AboutPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
