import { useMemo } from 'react';
import { Alert, Badge, Checkbox, Code, Loader, Stack, Text } from '@mantine/core';
import type { ConnectionTest } from '../../../../shared/domain/providers';
import { DataTable, type Column } from '../../components/DataTable';

type Login = ConnectionTest['authDomains'][number];
type Service = ConnectionTest['services'][number];

/**
 * ok / failed, with the reason beside it. The reason the alert above already gives in full is
 * not repeated: the row points to it (a wrong password is said once).
 */
function Outcome({ ok, message, above }: { ok: boolean; message: string | null; above: string | null }) {
  const repeated = !ok && message !== null && message === above;
  return (
    <span title={message ?? undefined}>
      <Badge color={ok ? 'green' : 'red'} variant="light">
        {ok ? 'ok' : 'failed'}
      </Badge>{' '}
      <Text span size="xs" c="dimmed">
        {repeated ? 'see above' : message}
      </Text>
    </span>
  );
}

/** The alert's title: what failed, in words (the code stays for the tooltip and the logs). */
const FAILURE_TITLES: Record<string, string> = {
  'auth.failed': 'Login failed',
  'tls.untrusted': 'Certificate not trusted yet',
  'tls.certificateChanged': 'Certificate changed',
  'network.unreachable': 'Cannot connect',
};

const loginColumns = (above: string | null): Column<Login>[] => [
  { id: 'domain', header: 'Authentication domain', getValue: (d) => d.name, width: 'minmax(140px, 1fr)' },
  {
    id: 'login',
    header: 'Login',
    getValue: (d) => (d.ok ? 'ok' : 'failed'),
    render: (d) => <Outcome ok={d.ok} message={d.message} above={above} />,
    width: 'minmax(160px, 2fr)',
  },
  { id: 'projects', header: 'Projects', getValue: (d) => d.projects, render: (d) => d.projects ?? '-', width: '90px' },
];

const serviceColumns = (above: string | null): Column<Service>[] => [
  { id: 'service', header: 'Service', getValue: (s) => s.name ?? s.type, width: 'minmax(150px, 1fr)' },
  {
    id: 'endpoint',
    header: 'Endpoint',
    getValue: (s) => s.endpoint,
    render: (s) => <Code title={s.endpoint ?? ''}>{s.endpoint ?? '-'}</Code>,
    width: 'minmax(180px, 2fr)',
  },
  { id: 'microversion', header: 'Max microversion', getValue: (s) => s.maxMicroversion, render: (s) => s.maxMicroversion ?? '-', width: '150px' },
  {
    id: 'status',
    header: 'Status',
    getValue: (s) => (s.ok ? 'ok' : 'failed'),
    render: (s) => <Outcome ok={s.ok} message={s.message} above={above} />,
    width: 'minmax(150px, 1fr)',
  },
];

export interface TestState {
  running: boolean;
  result: ConnectionTest | null;
  /** the fingerprint the user ticked "trust" for */
  accepted: string | null;
}

/** Shows the outcome of providers.test: certificate to trust, each login, each service. */
export function TestStep({ state, trustEnabled, onAccept }: { state: TestState; trustEnabled: boolean; onAccept: (fp: string | null) => void }) {
  const r = state.result;
  const above = r && !r.ok ? (r.error?.message ?? null) : null;
  const logins = useMemo(() => loginColumns(above), [above]);
  const services = useMemo(() => serviceColumns(above), [above]);
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
          <Alert
            color={r.error.code === 'tls.untrusted' || r.error.code === 'tls.certificateChanged' ? 'yellow' : 'red'}
            title={FAILURE_TITLES[r.error.code] ?? 'The connection test failed'}
            data-testid="connection-test-error"
            styles={{ message: { overflowWrap: 'anywhere' } }}
          >
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
          {(r.error?.code === 'tls.untrusted' || r.error?.code === 'tls.certificateChanged') && trustEnabled && (
            <Checkbox
              label={
                r.error.code === 'tls.untrusted'
                  ? "I checked this fingerprint with the cloud's operators: trust this certificate"
                  : "I checked the new fingerprint with the cloud's operators: trust this certificate instead of the pinned one"
              }
              checked={state.accepted === r.certificate.fingerprint256}
              onChange={(e) => onAccept(e.currentTarget.checked ? r.certificate!.fingerprint256 : null)}
            />
          )}
        </Stack>
      )}
      {r.authDomains.length > 0 && <DataTable rows={r.authDomains} columns={logins} getRowId={(d) => d.name} height="auto" testId="logins-table" />}
      {r.services.length > 0 && <DataTable rows={r.services} columns={services} getRowId={(s) => s.type} height="auto" testId="services-table" />}
    </Stack>
  );
}
