import { useEffect, useState } from 'react';
import { Badge, Button, Code, Stack, Table, Text, Title } from '@mantine/core';
import { HypervisorSshModal } from './HypervisorSshModal';
import type { OutputOf } from '../../../../shared/ipc/contract';
import type { ProviderView } from '../../../../shared/domain/providers';
import { call, subscribe } from '../../api/client';

type Row = OutputOf<'hypervisors.list'>['items'][number];

/** The hypervisors a sync found, with the SSH settings the libvirt strategy uses. */
export function HypervisorsTable({ provider }: { provider: ProviderView }) {
  const [rows, setRows] = useState<Row[]>([]);
  const [editing, setEditing] = useState<Row | null>(null);
  useEffect(() => {
    const load = () =>
      void call('hypervisors.list', { providerId: provider.id }).then(
        (r) => setRows(r.items),
        () => setRows([]),
      );
    load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('hypervisors')) load();
    });
  }, [provider.id]);
  if (rows.length === 0) return null;
  return (
    <Stack gap="xs">
      <HypervisorSshModal
        key={editing?.hostname ?? ''}
        providerId={provider.id}
        hostname={editing?.hostname ?? null}
        defaults={{ address: editing?.ssh.address ?? editing?.data.hostIp ?? null, port: editing?.ssh.port ?? 22, user: editing?.ssh.user ?? null, ...(editing ? { transfer: editing.ssh.transfer } : {}) }}
        onClose={() => setEditing(null)}
      />
      <Title order={5}>Hypervisors of {provider.name}</Title>
      <Table withTableBorder data-testid={`hypervisors-${provider.name}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Host</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Instances</Table.Th>
            <Table.Th>SSH</Table.Th>
            <Table.Th>Host key</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((h) => (
            <Table.Tr key={h.hostname}>
              <Table.Td>
                {h.hostname}
                {h.data.hostIp && (
                  <Text span size="xs" c="dimmed">
                    {' '}
                    {h.data.hostIp}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{h.data.type ?? '-'}</Table.Td>
              <Table.Td>
                <Badge color={h.vanishedAt ? 'gray' : h.data.state === 'up' ? 'green' : 'red'} variant="light">
                  {h.vanishedAt ? 'gone' : (h.data.state ?? '?')}
                </Badge>
              </Table.Td>
              <Table.Td>{h.data.runningVms ?? '-'}</Table.Td>
              <Table.Td>
                {h.ssh.address ? (
                  <Code>
                    {h.ssh.user}@{h.ssh.address}:{h.ssh.port} ({h.ssh.auth})
                    {h.ssh.transfer.kind === 'direct' && ` · direct TLS ${h.ssh.transfer.ports[0]}–${h.ssh.transfer.ports[1]}`}
                  </Code>
                ) : (
                  <Text size="xs" c="dimmed">
                    not set
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {h.ssh.hostKey ? (
                  <Code>{h.ssh.hostKey}</Code>
                ) : (
                  <Text size="xs" c="dimmed">
                    pinned on first connection
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Button size="compact-xs" variant="light" onClick={() => setEditing(h)}>
                  SSH settings…
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
