import { useMemo, useState } from 'react';
import { Badge, Button, Code, Stack, Text, Title } from '@mantine/core';
import type { OutputOf } from '../../../../shared/ipc/contract';
import type { ProviderView } from '../../../../shared/domain/providers';
import { useQuery } from '../../api/useQuery';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HypervisorSshModal } from './HypervisorSshModal';

type Row = OutputOf<'hypervisors.list'>['items'][number];

const sshText = (h: Row) =>
  h.ssh.address
    ? `${h.ssh.user}@${h.ssh.address}:${h.ssh.port} (${h.ssh.auth})${h.ssh.transfer.kind === 'direct' ? ` · direct TLS ${h.ssh.transfer.ports[0]}–${h.ssh.transfer.ports[1]}` : ''}`
    : null;

const dimmed = (text: string) => (
  <Text size="xs" c="dimmed">
    {text}
  </Text>
);

const hypervisorColumns = (edit: (h: Row) => void): Column<Row>[] => [
  {
    id: 'host',
    header: 'Host',
    getValue: (h) => h.hostname,
    render: (h) => (
      <>
        {h.hostname}
        {h.data.hostIp && (
          <Text span size="xs" c="dimmed">
            {' '}
            {h.data.hostIp}
          </Text>
        )}
      </>
    ),
    width: 'minmax(160px, 1.5fr)',
  },
  { id: 'type', header: 'Type', getValue: (h) => h.data.type, width: '90px' },
  {
    id: 'state',
    header: 'State',
    getValue: (h) => (h.vanishedAt ? 'gone' : h.data.state),
    render: (h) => (
      <Badge color={h.vanishedAt ? 'gray' : h.data.state === 'up' ? 'green' : 'red'} variant="light">
        {h.vanishedAt ? 'gone' : (h.data.state ?? '?')}
      </Badge>
    ),
    width: '90px',
  },
  { id: 'instances', header: 'Instances', getValue: (h) => h.data.runningVms, width: '90px' },
  {
    id: 'ssh',
    header: 'SSH',
    getValue: sshText,
    render: (h) => (h.ssh.address ? <Code title={sshText(h) ?? ''}>{sshText(h)}</Code> : dimmed('not set')),
    width: 'minmax(200px, 2fr)',
  },
  {
    id: 'hostKey',
    header: 'Host key',
    getValue: (h) => h.ssh.hostKey,
    render: (h) => (h.ssh.hostKey ? <Code title={h.ssh.hostKey}>{h.ssh.hostKey}</Code> : dimmed('pinned on first connection')),
    width: 'minmax(160px, 1.5fr)',
  },
  {
    id: 'edit',
    header: '',
    getValue: () => null,
    render: (h) => (
      <Button size="compact-xs" variant="light" onClick={() => edit(h)}>
        SSH settings…
      </Button>
    ),
    width: '140px',
  },
];

/** The hypervisors a sync found, with the SSH settings the libvirt strategy uses. */
export function HypervisorsTable({ provider }: { provider: ProviderView }) {
  const { data, error, reload } = useQuery('hypervisors.list', { providerId: provider.id }, { tables: ['hypervisors'] });
  const [editing, setEditing] = useState<Row | null>(null);
  const columns = useMemo(() => hypervisorColumns(setEditing), []);
  const rows = data?.items ?? [];
  if (error) return <ErrorAlert error={error} title={`The hypervisors of ${provider.name} could not be listed`} onRetry={reload} />;
  // Nothing before the first sync has found them.
  if (rows.length === 0) return null;
  return (
    <Stack gap="xs">
      <HypervisorSshModal
        key={editing?.hostname ?? ''}
        providerId={provider.id}
        hostname={editing?.hostname ?? null}
        defaults={{
          address: editing?.ssh.address ?? editing?.data.hostIp ?? null,
          port: editing?.ssh.port ?? 22,
          user: editing?.ssh.user ?? null,
          ...(editing ? { transfer: editing.ssh.transfer } : {}),
        }}
        onClose={() => setEditing(null)}
      />
      <Title order={2} size="h5">
        Hypervisors of {provider.name}
      </Title>
      <DataTable<Row>
        testId={`hypervisors-${provider.name}`}
        rows={rows}
        columns={columns}
        getRowId={(h) => h.hostname}
        height="auto"
        initialSort={[{ id: 'host', desc: false }]}
      />
    </Stack>
  );
}
