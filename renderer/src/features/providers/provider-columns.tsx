import { Badge, Code, Stack, Text } from '@mantine/core';
import { STRATEGY_WORDS, type ProviderView } from '../../../../shared/domain/providers';
import { ActionMenu } from '../../components/ActionButtons';
import type { Column } from '../../components/DataTable';
import { providerActions } from './provider-actions';

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
    getValue: (p) => STRATEGY_WORDS[p.strategy],
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
