import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { ActionIcon, AppShell, Group, NavLink, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { IconArchive, IconCloud, IconDatabase, IconFileSearch, IconGauge, IconListCheck, IconMoon, IconServer, IconSettings, IconShieldLock, IconSun } from '@tabler/icons-react';
import { useAppStore } from '../stores/app.store';

export const SECTIONS = [
  { path: '/dashboard', label: 'Dashboard', icon: IconGauge },
  { path: '/inventory', label: 'Inventory', icon: IconServer },
  { path: '/protection', label: 'Protection', icon: IconShieldLock },
  { path: '/jobs', label: 'Jobs', icon: IconListCheck },
  { path: '/backups', label: 'Backups', icon: IconArchive },
  { path: '/files', label: 'Files', icon: IconFileSearch },
  { path: '/clouds', label: 'Clouds', icon: IconCloud },
  { path: '/destinations', label: 'Destinations', icon: IconDatabase },
  { path: '/settings', label: 'Settings', icon: IconSettings },
] as const;

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const update = useAppStore((s) => s.updateSettings);
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => {
          setColorScheme(next);
          void update({ theme: next });
        }}
      >
        {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

export function Layout() {
  const { pathname } = useLocation();
  const error = useAppStore((s) => s.error);
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Text fw={800} fz="lg">
            Backstack
          </Text>
          <Group gap="sm">
            {error && (
              <Text c="red" size="sm" role="alert">
                {error}
              </Text>
            )}
            <ThemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Sections">
        {SECTIONS.map((s) => (
          <NavLink
            key={s.path}
            component={RouterLink}
            to={s.path}
            label={s.label}
            leftSection={<s.icon size={18} />}
            active={pathname.startsWith(s.path)}
            data-testid={`nav-${s.label.toLowerCase()}`}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main style={{ height: 'calc(100dvh - 52px)', display: 'flex', flexDirection: 'column' }}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
