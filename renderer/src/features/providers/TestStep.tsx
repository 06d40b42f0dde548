import { Alert, Badge, Checkbox, Code, Loader, Stack, Table, Text } from '@mantine/core';
import type { ConnectionTest } from '../../../../shared/domain/providers';

export interface TestState {
  running: boolean;
  result: ConnectionTest | null;
  /** the fingerprint the user ticked "trust" for */
  accepted: string | null;
}

/** Shows the outcome of providers.test: certificate to trust, each login, each service. */
export function TestStep({ state, trustEnabled, onAccept }: { state: TestState; trustEnabled: boolean; onAccept: (fp: string | null) => void }) {
  const r = state.result;
  if (state.running && !r) {
    return (
      <Stack align="center" py="xl">
        <Loader />
        <Text c="dimmed">Connecting to Keystone and every service…</Text>
      </Stack>
    );
  }
  if (!r) return null;
  return (
    <Stack data-testid="connection-test">
      {r.ok ? (
        <Alert color="green" title="Connection works">
          Every authentication domain logged in and the services answered.
        </Alert>
      ) : (
        r.error && (
          <Alert color={r.error.code === 'tls.untrusted' ? 'yellow' : 'red'} title={r.error.code}>
            {r.error.message}
          </Alert>
        )
      )}
      {r.certificate && (
        <Stack gap={4} data-testid="certificate">
          <Text fw={600}>Certificate presented by Keystone</Text>
          <Text size="sm">Subject: {r.certificate.subject}</Text>
          {r.certificate.issuer && <Text size="sm">Issuer: {r.certificate.issuer}</Text>}
          {r.certificate.validTo && <Text size="sm">Valid until: {r.certificate.validTo}</Text>}
          <Text size="sm">
            SHA-256: <Code>{r.certificate.fingerprint256}</Code>
          </Text>
          {state.accepted === r.certificate.fingerprint256 && r.ok && (
            <Text size="sm" c="green">
              Trusted: this fingerprint is pinned when you save; a different certificate will be refused.
            </Text>
          )}
          {r.error?.code === 'tls.untrusted' && trustEnabled && (
            <Checkbox
              label="I checked this fingerprint with the cloud's operators: trust this certificate"
              checked={state.accepted === r.certificate.fingerprint256}
              onChange={(e) => onAccept(e.currentTarget.checked ? r.certificate!.fingerprint256 : null)}
            />
          )}
        </Stack>
      )}
      {r.authDomains.length > 0 && (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Authentication domain</Table.Th>
              <Table.Th>Login</Table.Th>
              <Table.Th>Projects</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.authDomains.map((d) => (
              <Table.Tr key={d.name}>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>
                  <Badge color={d.ok ? 'green' : 'red'} variant="light">
                    {d.ok ? 'ok' : 'failed'}
                  </Badge>{' '}
                  <Text span size="xs" c="dimmed">
                    {d.message}
                  </Text>
                </Table.Td>
                <Table.Td>{d.projects ?? '-'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {r.services.length > 0 && (
        <Table withTableBorder data-testid="services-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Service</Table.Th>
              <Table.Th>Endpoint</Table.Th>
              <Table.Th>Max microversion</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.services.map((s) => (
              <Table.Tr key={s.type}>
                <Table.Td>{s.name ?? s.type}</Table.Td>
                <Table.Td>
                  <Code>{s.endpoint ?? '-'}</Code>
                </Table.Td>
                <Table.Td>{s.maxMicroversion ?? '-'}</Table.Td>
                <Table.Td>
                  <Badge color={s.ok ? 'green' : 'red'} variant="light">
                    {s.ok ? 'ok' : 'failed'}
                  </Badge>{' '}
                  <Text span size="xs" c="dimmed">
                    {s.message}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
