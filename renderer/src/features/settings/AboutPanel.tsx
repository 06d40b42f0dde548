import { useState } from 'react';
import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { call } from '../../api/client';
import { useAppStore } from '../../stores/app.store';

const SECRET_STORAGE = {
  'electron-safe-storage': "the system's credential store (Electron safeStorage)",
  'os-keyring': 'the OS keyring',
  'key-file': 'a key file readable only by you (no OS keyring answered)',
} as const;

export function AboutPanel() {
  const status = useAppStore((s) => s.status);
  const [dest, setDest] = useState('');
  if (!status) return null;
  const rows: [string, string][] = [
    ['Version', status.version],
    ['Running as', status.runtime === 'electron' ? 'desktop app' : 'console mode'],
    ['Catalog', status.catalogPath],
    ['Catalog schema', String(status.schemaVersion)],
    ['Passwords are encrypted with a key kept in', SECRET_STORAGE[status.secretStorage]],
    ['Event-loop delay p99', `${status.eventLoopDelayP99Ms} ms`],
    ...Object.entries(status.versions).map(([k, v]): [string, string] => [k, v]),
  ];
  const backup = async () => {
    try {
      await call('catalog.startBackup', { file: dest });
      notifications.show({ title: 'Catalog backup started', message: 'Follow it in Jobs.' });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not start the catalog backup', message: (e as Error).message });
    }
  };
  return (
    <Stack>
      <Table withTableBorder data-testid="about-table">
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={220}>{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text fw={600}>Back up the catalog</Text>
      <Text size="sm" c="dimmed">
        A consistent copy of the catalog (providers, policies, job history) written while Backstack keeps running. The backups themselves live in your
        backup destinations and can be re-read without it.
      </Text>
      <Group align="end">
        <TextInput
          label="Destination file"
          placeholder="/home/me/backstack-catalog.sqlite"
          value={dest}
          onChange={(e) => setDest(e.currentTarget.value)}
          w={420}
        />
        <Button onClick={() => void backup()} disabled={!dest}>
          Back up catalog
        </Button>
      </Group>
    </Stack>
  );
}
