import { useNavigate, useParams } from 'react-router';
import { Stack, Tabs } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader';
import { ReopenSetup } from '../setup/ReopenSetup';
import { AboutPanel } from './AboutPanel';
import { AppearancePanel } from './AppearancePanel';
import { NotificationsPanel } from './NotificationsPanel';

const TABS = ['appearance', 'notifications', 'about'] as const;

/** Clouds and destinations have their own pages; Settings keeps the application's own settings. */
export function SettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t === tab) ?? 'appearance';
  return (
    <Stack>
      <PageHeader title="Settings">
        <ReopenSetup />
      </PageHeader>
      <Tabs value={current} onChange={(v) => void navigate(`/settings/${v ?? 'appearance'}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="appearance">Appearance & jobs</Tabs.Tab>
          <Tabs.Tab value="notifications">Notifications</Tabs.Tab>
          <Tabs.Tab value="about">About</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="appearance" pt="md">
          <AppearancePanel />
        </Tabs.Panel>
        <Tabs.Panel value="notifications" pt="md">
          <NotificationsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="about" pt="md">
          <AboutPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
