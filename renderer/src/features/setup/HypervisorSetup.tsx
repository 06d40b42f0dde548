import { Fragment, useState } from 'react';
import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import { call } from '../../api/client';
import { asAppError } from '../../api/errors';
import { useActions } from '../../api/useActions';
import { HypervisorSshModal, sshDialogFor } from '../providers/HypervisorSshModal';
import { syncClouds } from '../providers/provider-actions';
import { SyncState } from './CloudSetup';
import { HostTestResult, type HostTestOutcome } from './HostTestResult';
import { DoneNote, NeedsFirst, StepFrame } from './StepFrame';
import { hostReady, type HostRow } from './first-run';

const keyOf = (h: HostRow) => `${h.providerId}/${h.hostname}`;
/** Tests at once: enough to be quick over a rack, few enough not to flood this machine or the network. */
const PARALLEL_TESTS = 4;

/** Runs `fn` over the items, a few at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The clouds whose first sync has not brought the hypervisors in yet, or failed. */
function Syncing({ providers }: { providers: ProviderView[] }) {
  const runner = useActions();
  const pending = providers.filter((p) => !p.lastSyncAt || p.lastSyncError);
  if (pending.length === 0) return null;
  return (
    <Stack gap={4}>
      {pending.map((p) => (
        <Group key={p.id} gap="sm">
          <Text size="sm" fw={600}>
            {p.name}
          </Text>
          <SyncState provider={p} />
          {p.lastSyncError && (
            <Button size="compact-xs" variant="light" loading={runner.isBusy(syncClouds.id)} onClick={() => void runner.run(syncClouds, [p])}>
              Sync again
            </Button>
          )}
        </Group>
      ))}
    </Stack>
  );
}

/** Step 2: SSH to each hypervisor the inventory found, each tested (host key, libvirt, the tools backups run). */
export function HypervisorSetup({ providers, hosts }: { providers: ProviderView[]; hosts: HostRow[] }) {
  const [editing, setEditing] = useState<HostRow | null>(null);
  const [tests, setTests] = useState<Record<string, HostTestOutcome>>({});
  const names = new Map(providers.map((p) => [p.id, p.name]));
  const test = async (h: HostRow) => {
    const key = keyOf(h);
    setTests((t) => ({ ...t, [key]: { running: true, result: null, error: null } }));
    try {
      const result = await call('hypervisors.test', { providerId: h.providerId, hostname: h.hostname });
      setTests((t) => ({ ...t, [key]: { running: false, result, error: null } }));
    } catch (e) {
      setTests((t) => ({ ...t, [key]: { running: false, result: null, error: asAppError(e).message } }));
    }
  };
  const testable = hosts.filter((h) => h.ssh.address);
  const ready = hosts.filter(hostReady).length;
  const intro =
    'Backstack reads disks on the hypervisors over SSH (libvirt). For each host the inventory found, give an address and an account that may run virsh, with a key or a password; the test connects, pins the host key and checks the tools backups run.';
  if (providers.length === 0) return <StepFrame title="Hypervisor access" intro={intro}><NeedsFirst>Add a cloud first: its inventory sync finds the hypervisors.</NeedsFirst></StepFrame>;
  return (
    <StepFrame title="Hypervisor access" intro={intro}>
      <HypervisorSshModal key={editing ? keyOf(editing) : ''} providerId={editing?.providerId ?? ''} {...sshDialogFor(editing)} onClose={() => setEditing(null)} />
      <Syncing providers={providers} />
      {hosts.length > 0 && ready === hosts.length && <DoneNote title={`Every hypervisor (${hosts.length}) is reachable, with its host key pinned`} />}
      {hosts.length === 0 && providers.every((p) => p.lastSyncAt) && (
        <NeedsFirst>
          The inventory found no hypervisor: Nova lists them to admins only. Sync again with an admin&apos;s credentials, or skip this step.
        </NeedsFirst>
      )}
      {hosts.length > 0 && (
        <>
          <Group justify="space-between">
            <Text size="sm">
              {ready} of {hosts.length} hypervisors ready
            </Text>
            <Button
              leftSection={<IconPlugConnected size={16} />}
              variant="light"
              disabled={testable.length === 0}
              title={testable.length === 0 ? 'Enter the SSH settings of a host first' : undefined}
              onClick={() => void eachLimited(testable, PARALLEL_TESTS, test)}
            >
              Test all
            </Button>
          </Group>
          <Table withTableBorder data-testid="setup-hosts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Host</Table.Th>
                <Table.Th>SSH</Table.Th>
                <Table.Th>Host key</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {hosts.map((h) => {
                const outcome = tests[keyOf(h)];
                return (
                  <Fragment key={keyOf(h)}>
                    <Table.Tr data-testid="host-row">
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {h.hostname}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {[h.data.hostIp, providers.length > 1 ? names.get(h.providerId) : null].filter(Boolean).join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>{h.ssh.address ? <Code>{`${h.ssh.user}@${h.ssh.address}:${h.ssh.port}`}</Code> : <Badge color="gray" variant="light">not set</Badge>}</Table.Td>
                      <Table.Td>
                        {h.ssh.hostKey ? <Code>{h.ssh.hostKey}</Code> : <Text size="xs" c="dimmed">pinned on the first connection</Text>}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button size="compact-sm" variant="light" onClick={() => setEditing(h)}>
                            SSH settings…
                          </Button>
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            disabled={!h.ssh.address}
                            loading={outcome?.running}
                            onClick={() => void test(h)}
                            aria-label={`Test ${h.hostname}`}
                          >
                            Test
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                    {outcome && (
                      <Table.Tr>
                        <Table.Td colSpan={4}>
                          <HostTestResult outcome={outcome} />
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </>
      )}
    </StepFrame>
  );
}
