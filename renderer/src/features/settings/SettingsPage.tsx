import { useNavigate, useParams } from 'react-router';
import { Stack, Tabs } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader';
import { ProvidersPanel } from '../providers/ProvidersPanel';
import { DestinationsPanel } from '../destinations/DestinationsPanel';
import { AboutPanel } from './AboutPanel';
import { AppearancePanel } from './AppearancePanel';

const TABS = ['providers', 'destinations', 'appearance', 'about'] as const;

export function SettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t === tab) ?? 'providers';
  return (
    <Stack>
      <PageHeader title="Settings" />
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
          <DestinationsPanel />
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
