import { Badge, Code, Stack, Text } from '@mantine/core';
import { OFFERED_STRATEGIES, type BackupStrategy, type ProviderView } from '../../../../shared/domain/providers';
import { ActionMenu } from '../../components/ActionButtons';
import type { Column } from '../../components/DataTable';
import { providerActions } from './provider-actions';

const STRATEGY_NAME: Record<BackupStrategy, string> = {
  'libvirt-ssh': 'libvirt over SSH',
  'disk-attachment': 'Disk attachment',
  'image-transfer': 'Image transfer',
};

const NOT_BUILT = 'not available in this version; backed up with libvirt';

/** How a cloud is backed up; a strategy saved by an earlier version but not built yet says what happens instead. */
export function strategyText(s: BackupStrategy): string {
  return OFFERED_STRATEGIES.includes(s) ? STRATEGY_NAME[s] : `${STRATEGY_NAME[s]} — ${NOT_BUILT}`;
}

function Strategy({ strategy }: { strategy: BackupStrategy }) {
  if (OFFERED_STRATEGIES.includes(strategy)) return STRATEGY_NAME[strategy];
  // Two lines that wrap: the explanation is the point, it must not end in an ellipsis.
  return (
    <Stack gap={0} style={{ whiteSpace: 'normal' }} title={strategyText(strategy)}>
      <Text size="sm">{STRATEGY_NAME[strategy]}</Text>
      <Text size="xs" c="orange" lh={1.25}>
        {NOT_BUILT}
      </Text>
    </Stack>
  );
}

/** The clouds table; `edit` opens the wizard on a saved cloud (its row's Edit action). */
export const providerColumns = (edit: (p: ProviderView) => void): Column<ProviderView>[] => [
  { id: 'name', header: 'Name', getValue: (p) => p.name, render: (p) => <Text fw={600}>{p.name}</Text>, width: 'minmax(90px, 1fr)' },
  {
    id: 'keystone',
    header: 'Keystone',
    getValue: (p) => p.authUrl,
    render: (p) => (
      <Stack gap={0}>
        <Code title={p.authUrl}>{p.authUrl}</Code>
        {p.pinnedCertificate && (
          <Text size="xs" c="dimmed" title={p.pinnedCertificate.fingerprint256}>
            pinned certificate {p.pinnedCertificate.fingerprint256.slice(0, 23)}…
          </Text>
        )}
      </Stack>
    ),
    width: 'minmax(180px, 2fr)',
  },
  {
    id: 'region',
    header: 'Region',
    getValue: (p) => p.region,
    render: (p) => (
      <>
        {p.region}{' '}
        <Text span size="xs" c="dimmed">
          ({p.endpointInterface})
        </Text>
      </>
    ),
    width: '190px',
  },
  {
    id: 'strategy',
    header: 'Strategy',
    getValue: (p) => strategyText(p.strategy),
    render: (p) => <Strategy strategy={p.strategy} />,
    width: 'minmax(220px, 2fr)',
  },
  {
    id: 'domains',
    header: 'Authentication domains',
    getValue: (p) => `${p.scoped ? 'scoped: ' : ''}${p.authDomains.map((d) => `${d.userName}@${d.name}`).join(', ')}`,
    width: 'minmax(140px, 1.2fr)',
  },
  {
    id: 'sync',
    header: 'Last sync',
    getValue: (p) => p.lastSyncAt,
    render: (p) =>
      p.lastSyncError ? (
        <Badge color="red" variant="light" title={p.lastSyncError}>
          failed
        </Badge>
      ) : p.lastSyncAt ? (
        new Date(p.lastSyncAt).toLocaleString()
      ) : (
        'never'
      ),
    width: '190px',
  },
  {
    id: 'actions',
    header: '',
    getValue: () => null,
    render: (p) => <ActionMenu actions={providerActions(edit)} item={p} label={`Actions for ${p.name}`} />,
    width: '56px',
  },
];
