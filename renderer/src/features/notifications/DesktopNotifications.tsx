import { useState } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { browserNotifications, inDesktopApp, type BrowserPermission } from './browser-notifications';

const STATE: Record<BrowserPermission, string> = {
  granted: 'This browser shows them.',
  default: 'This browser has not been allowed to show them yet: until it is, they appear inside the page.',
  denied: "This browser refuses them for this page: allow notifications in the site's settings (the icon left of the address), then reload.",
  unsupported: 'This browser cannot show notifications: they appear inside the page.',
};

/** Where desktop notifications appear: the system's (desktop app), or the browser's once allowed (console mode). */
export function DesktopNotifications() {
  const [permission, setPermission] = useState<BrowserPermission>(() => browserNotifications.permission());
  if (inDesktopApp()) {
    return <Text size="sm">They appear with the system’s notifications, also while the window is closed and Backstack runs in the tray.</Text>;
  }
  const allow = async () => {
    const p = await browserNotifications.request();
    setPermission(p);
    browserNotifications.show({ title: 'Backstack notifications are on', body: 'Policies that ask for desktop notifications show them here.' });
  };
  return (
    <Stack gap="xs">
      <Text size="sm" data-testid="browser-notifications">
        {STATE[permission]}
      </Text>
      {permission === 'default' && (
        <Group>
          <Button variant="default" onClick={() => void allow()}>
            Allow notifications in this browser
          </Button>
        </Group>
      )}
    </Stack>
  );
}
