import { useState } from 'react';
import { Group, Stack, Text, TextInput } from '@mantine/core';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { ActionButtons } from '../../components/ActionButtons';
import { KeyValueTable } from '../../components/KeyValueTable';
import { useAppStore } from '../../stores/app.store';

const SECRET_STORAGE = {
  'electron-safe-storage': "the system's credential store (Electron safeStorage)",
  'os-keyring': 'the OS keyring',
  'key-file': 'a key file readable only by you (no OS keyring answered)',
} as const;

/** The item is the file to write. */
const backUpCatalog: Action<string> = {
  id: 'catalog-backup',
  label: 'Back up catalog',
  isAllowed: (file) => file.trim() !== '',
  run: async ([file]) => followJob(await call('catalog.startBackup', { file: file! })),
  done: () => 'Catalog backup started',
};

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
  return (
    <Stack>
      <KeyValueTable rows={rows} keyWidth={220} bordered testId="about-table" />
      <Text fw={600}>Back up the catalog</Text>
      <Text size="sm" c="dimmed">
        A consistent copy of the catalog (providers, policies, job history) written while Backstack keeps running. The backups themselves live in your
        destinations and can be re-read without it.
      </Text>
      <Group align="end">
        <TextInput
          label="Destination file"
          placeholder="/home/me/backstack-catalog.sqlite"
          value={dest}
          onChange={(e) => setDest(e.currentTarget.value)}
          w={420}
        />
        <ActionButtons actions={[backUpCatalog]} items={[dest]} size="sm" variant="filled" disallowed="disable" />
      </Group>
    </Stack>
  );
}
