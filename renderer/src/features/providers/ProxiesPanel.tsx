import { useState } from 'react';
import { Alert, Button, Code, Group, List, Stack, Text, Title } from '@mantine/core';
import { IconServer2 } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import type { ProxyTest, ProxyView } from '../../../../shared/domain/proxies';
import type { AppError } from '../../../../shared/errors/app-error';
import type { Action } from '../../api/actions';
import { call } from '../../api/client';
import { asAppError } from '../../api/errors';
import { useActions, type ActionRunner } from '../../api/useActions';
import { useQuery } from '../../api/useQuery';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AddProxyModal, PROXY_NEEDS } from './AddProxyModal';
import { STRATEGY_WORDS } from '../../../../shared/domain/providers';

const remove: Action<ProxyView> = {
  id: 'proxy-remove',
  label: 'Remove',
  danger: true,
  confirm: ([p]) => ({
    title: `Remove the proxy ${p!.serverName}?`,
    message: 'Backstack forgets it and its key or password; the instance stays in the cloud. Backups by disk attachment use another proxy of the cloud, if it has one.',
    confirmLabel: 'Remove',
  }),
  run: async ([p]) => (await call('proxies.remove', { id: p!.id }), 'The instance itself is untouched.'),
  done: ([p]) => `Proxy ${p!.serverName} removed`,
};

/** A test's outcome, kept under the table until closed or run again. */
type Tested = { busy: true } | { result: ProxyTest } | { error: AppError };

const dimmed = (text: string) => (
  <Text size="xs" c="dimmed">
    {text}
  </Text>
);
const sshText = (p: ProxyView) => `${p.user}@${p.address}:${p.port} (${p.auth})`;

const proxyColumns = (test: (p: ProxyView) => void, tests: Record<string, Tested>, runner: ActionRunner): Column<ProxyView>[] => [
  {
    id: 'server',
    header: 'Instance',
    getValue: (p) => p.serverName,
    render: (p) => (
      <>
        {p.serverName}
        <Text span size="xs" c="dimmed">
          {' '}
          zone {p.availabilityZone ?? '?'}
        </Text>
      </>
    ),
    width: 'minmax(160px, 1.5fr)',
  },
  { id: 'ssh', header: 'SSH', getValue: sshText, render: (p) => <Code title={sshText(p)}>{sshText(p)}</Code>, width: 'minmax(180px, 1.5fr)' },
  { id: 'via', header: 'Through', getValue: (p) => p.viaHypervisor, render: (p) => p.viaHypervisor ?? dimmed('directly'), width: 'minmax(110px, 1fr)' },
  {
    id: 'hostKey',
    header: 'Host key',
    getValue: (p) => p.hostKey,
    render: (p) => (p.hostKey ? <Code title={p.hostKey}>{p.hostKey}</Code> : dimmed('pinned on first connection')),
    width: 'minmax(160px, 1.5fr)',
  },
  {
    id: 'actions',
    header: '',
    getValue: () => null,
    render: (p) => (
      <Group gap={4} wrap="nowrap">
        <Button size="compact-xs" variant="light" loading={tests[p.id] !== undefined && 'busy' in tests[p.id]!} onClick={() => test(p)}>
          Test
        </Button>
        <Button size="compact-xs" variant="subtle" color="red" loading={runner.isBusy(remove.id)} onClick={() => void runner.run(remove, [p])}>
          {remove.label}
        </Button>
      </Group>
    ),
    width: '150px',
  },
];

/** What a test found: ready, or the problems (each saying what to do), with what it could check. */
function TestResult({ proxy, tested, onClose }: { proxy: ProxyView; tested: Tested; onClose: () => void }) {
  if ('busy' in tested) return null;
  if ('error' in tested) return <ErrorAlert error={tested.error} title={`The proxy ${proxy.serverName} could not be tested`} />;
  const r = tested.result;
  const facts = [
    `instance ${r.serverStatus ?? 'not found in Nova'}`,
    r.python ? `python3 ${r.python}` : null,
    r.hostKey ? `host key ${r.hostKey}${r.pinnedNow ? ' (pinned now)' : ''}` : null,
  ].filter(Boolean);
  return (
    <Alert
      color={r.ok ? 'green' : 'red'}
      variant="light"
      title={r.ok ? `${proxy.serverName} is ready for backups` : `${proxy.serverName} is not ready`}
      withCloseButton
      onClose={onClose}
      data-testid="proxy-test-result"
    >
      {r.problems.length > 0 && (
        <List size="sm" mb={4}>
          {r.problems.map((m) => (
            <List.Item key={m}>{m}</List.Item>
          ))}
        </List>
      )}
      <Text size="xs" c="dimmed">
        {facts.join(' · ')}
      </Text>
    </Alert>
  );
}

/**
 * A cloud's proxy VMs (the disk-attachment strategy reads volumes on them): listed with their SSH
 * settings and pinned host key, tested, removed, added. The key or password is never shown.
 */
export function ProxiesPanel({ provider }: { provider: ProviderView }) {
  const { data, error, reload } = useQuery('proxies.list', { providerId: provider.id }, { tables: ['settings'] });
  const [adding, setAdding] = useState(false);
  const [tests, setTests] = useState<Record<string, Tested>>({});
  const runner = useActions();
  const put = (id: string, t: Tested | null) =>
    setTests(({ [id]: _, ...rest }) => (t ? { ...rest, [id]: t } : rest));
  const test = (p: ProxyView) => {
    put(p.id, { busy: true });
    call('proxies.test', { id: p.id }).then(
      (result) => put(p.id, { result }),
      (e: unknown) => put(p.id, { error: asAppError(e) }),
    );
  };
  const rows = data?.items ?? [];
  const needed = provider.strategy === 'disk-attachment';
  return (
    <Stack gap="xs" data-testid={`proxy-vms-${provider.name}`}>
      {runner.confirmation}
      <AddProxyModal provider={provider} opened={adding} onClose={() => setAdding(false)} />
      <Group justify="space-between" wrap="nowrap" align="end">
        <div>
          <Title order={2} size="h5">
            Proxy VMs of {provider.name}
          </Title>
          <Text size="xs" c="dimmed">
            {PROXY_NEEDS}
          </Text>
        </div>
        <Button size="xs" variant="light" leftSection={<IconServer2 size={14} />} onClick={() => setAdding(true)} style={{ flexShrink: 0 }}>
          Add proxy VM…
        </Button>
      </Group>
      {error && <ErrorAlert error={error} title={`The proxy VMs of ${provider.name} could not be listed`} onRetry={reload} />}
      {data && rows.length === 0 && (
        <Text size="sm" c={needed ? 'orange' : 'dimmed'}>
          {needed
            ? `None yet: backups of ${provider.name} read volumes on a proxy VM (disk attachment) and fail until one is added.`
            : `None. Backups of ${provider.name} use “${STRATEGY_WORDS[provider.strategy]}”; with a proxy VM, an instance can also be backed up by disk attachment from its page.`}
        </Text>
      )}
      {rows.length > 0 && (
        <DataTable<ProxyView>
          testId={`proxies-${provider.name}`}
          rows={rows}
          columns={proxyColumns(test, tests, runner)}
          getRowId={(p) => p.id}
          height="auto"
          initialSort={[{ id: 'server', desc: false }]}
        />
      )}
      {rows.map((p) => tests[p.id] && <TestResult key={p.id} proxy={p} tested={tests[p.id]!} onClose={() => put(p.id, null)} />)}
    </Stack>
  );
}
