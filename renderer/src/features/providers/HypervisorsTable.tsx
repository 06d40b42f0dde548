import { useMemo, useState } from 'react';
import { Badge, Button, Code, Group, Stack, Text, Title } from '@mantine/core';
import type { OutputOf } from '../../../../shared/ipc/contract';
import type { ProviderView } from '../../../../shared/domain/providers';
import { AppError } from '../../../../shared/errors/app-error';
import { allowedFor, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useActions } from '../../api/useActions';
import { useQuery } from '../../api/useQuery';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HypervisorSshModal, sshDialogFor } from './HypervisorSshModal';

type Row = OutputOf<'hypervisors.list'>['items'][number];

const sshText = (h: Row) =>
  h.ssh.address
    ? `${h.ssh.user}@${h.ssh.address}:${h.ssh.port} (${h.ssh.key ? `key ${h.ssh.key.fingerprint}` : h.ssh.auth})${h.ssh.transfer.kind === 'direct' ? ` · direct TLS ${h.ssh.transfer.ports[0]}–${h.ssh.transfer.ports[1]}` : ''}`
    : null;

const dimmed = (text: string) => (
  <Text size="xs" c="dimmed">
    {text}
  </Text>
);

/** Connects with the saved settings and checks libvirt and the tools backups run; the problems, if any, in the error toast. */
const testHypervisor = (providerId: string): Action<Row> => ({
  id: 'hypervisor-test',
  label: 'Test',
  isAllowed: (h) => Boolean(h.ssh.address),
  run: async ([h]) => {
    const r = await call('hypervisors.test', { providerId, hostname: h!.hostname });
    if (!r.ok) throw new AppError('validation.invalidInput', r.problems.join(' '));
    const tools = r.tools.filter((t) => t.path).map((t) => t.name);
    const libvirt = /library: libvirt ([\d.]+)/.exec(r.libvirt ?? '')?.[1];
    return `libvirt ${libvirt ?? ''} answers; ${tools.join(', ')} found${r.pinnedNow ? '; its host key is pinned now' : ''}.`.replace('libvirt  ', 'libvirt ');
  },
  done: ([h]) => `${h!.hostname} is ready for backups`,
});

const hypervisorColumns = (edit: (h: Row) => void, test: Action<Row>, runner: ReturnType<typeof useActions>): Column<Row>[] => [
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
      <Group gap={4} wrap="nowrap">
        <Button size="compact-xs" variant="light" onClick={() => edit(h)}>
          SSH settings…
        </Button>
        {allowedFor(test, [h]) && (
          <Button size="compact-xs" variant="subtle" loading={runner.isBusy(test.id)} onClick={() => void runner.run(test, [h])}>
            {test.label}
          </Button>
        )}
      </Group>
    ),
    width: '190px',
  },
];

/** The hypervisors a sync found, with the SSH settings the libvirt strategy uses. */
export function HypervisorsTable({ provider }: { provider: ProviderView }) {
  const { data, error, reload } = useQuery('hypervisors.list', { providerId: provider.id }, { tables: ['hypervisors'] });
  const [editing, setEditing] = useState<Row | null>(null);
  const runner = useActions();
  const test = useMemo(() => testHypervisor(provider.id), [provider.id]);
  // Rebuilt with the runner so a running test shows on its button.
  const columns = hypervisorColumns(setEditing, test, runner);
  const rows = data?.items ?? [];
  if (error) return <ErrorAlert error={error} title={`The hypervisors of ${provider.name} could not be listed`} onRetry={reload} />;
  // Nothing before the first sync has found them.
  if (rows.length === 0) return null;
  return (
    <Stack gap="xs">
      <HypervisorSshModal key={editing?.hostname ?? ''} providerId={provider.id} {...sshDialogFor(editing)} onClose={() => setEditing(null)} />
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
