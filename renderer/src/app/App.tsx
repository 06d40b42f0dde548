import { useEffect } from 'react';
import { createHashRouter, Navigate, RouterProvider } from 'react-router';
import { MantineProvider, createTheme, localStorageColorSchemeManager, useMantineColorScheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { BackupsPage } from '../features/backups/BackupsPage';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { DestinationsPage } from '../features/destinations/DestinationsPage';
import { FilesPage } from '../features/files/FilesPage';
import { InventoryPage } from '../features/inventory/InventoryPage';
import { JobsPage } from '../features/jobs/JobsPage';
import { PolicyDetailPage } from '../features/protection/PolicyDetail';
import { PolicyEditor } from '../features/protection/PolicyEditor';
import { ProtectionPage } from '../features/protection/ProtectionPage';
import { CloudsPage } from '../features/providers/CloudsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { FirstRunGate } from '../features/setup/FirstRunGate';
import { WelcomePage } from '../features/setup/WelcomePage';
import { startAppSync, useAppStore } from '../stores/app.store';
import { startJobsSync } from '../stores/jobs.store';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';
import { useJobNotifications } from './useJobNotifications';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });
const colorSchemeManager = localStorageColorSchemeManager({ key: 'backstack-color-scheme' });

// Hash routes work the same from Electron's file:// and the console's http://.
const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/dashboard" replace /> },
      {
        path: 'dashboard',
        element: (
          <FirstRunGate>
            <DashboardPage />
          </FirstRunGate>
        ),
      },
      { path: 'welcome', element: <WelcomePage /> },
      { path: 'inventory/:view?', element: <InventoryPage /> },
      { path: 'protection', element: <ProtectionPage /> },
      { path: 'protection/new', element: <PolicyEditor /> },
      { path: 'protection/:id', element: <PolicyDetailPage /> },
      { path: 'protection/:id/edit', element: <PolicyEditor /> },
      { path: 'jobs', element: <JobsPage /> },
      { path: 'backups', element: <BackupsPage /> },
      { path: 'files', element: <FilesPage /> },
      { path: 'clouds', element: <CloudsPage /> },
      { path: 'destinations', element: <DestinationsPage /> },
      // Where clouds and destinations were before they had their own pages.
      { path: 'settings/providers', element: <Navigate to="/clouds" replace /> },
      { path: 'settings/destinations', element: <Navigate to="/destinations" replace /> },
      { path: 'settings/:tab?', element: <SettingsPage /> },
      { path: '*', element: <Navigate to="/dashboard" replace /> },
    ],
  },
]);

/** The stored theme setting wins over the browser's remembered one once the core answers. */
function ThemeFromSettings() {
  const theme = useAppStore((s) => s.settings?.theme);
  const { setColorScheme } = useMantineColorScheme();
  useEffect(() => {
    if (theme) setColorScheme(theme);
  }, [theme, setColorScheme]);
  return null;
}

function Sync() {
  useEffect(() => {
    startAppSync();
    startJobsSync();
  }, []);
  useJobNotifications();
  return null;
}

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      <Notifications position="bottom-right" />
      <ErrorBoundary>
        <Sync />
        <ThemeFromSettings />
        <RouterProvider router={router} />
      </ErrorBoundary>
    </MantineProvider>
  );
}
