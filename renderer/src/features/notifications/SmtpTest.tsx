import { useState } from 'react';
import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import type { SmtpView } from '../../../../shared/domain/notifications';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';

interface Certificate {
  subject: string;
  issuer: string;
  fingerprint: string;
  validTo: string;
  selfSigned: boolean;
}

const certificateOf = (details: Record<string, unknown> | undefined): Certificate | null => {
  const c = details?.certificate as Certificate | undefined;
  return c && typeof c.fingerprint === 'string' ? c : null;
};

/**
 * "Send test" with the saved mail server: what the server said, or why it refused with what to
 * change; an untrusted certificate can be trusted here once its subject and fingerprint are checked.
 */
export function SmtpTest(props: { saved: SmtpView; dirty: boolean }) {
  const { saved } = props;
  const [to, setTo] = useState(saved.lastSent?.to.join(', ') ?? '');
  const [sent, setSent] = useState<string | null>(null);
  const send = useSubmit((addresses: string[]) => call('notifications.sendTest', { to: addresses }));
  const trust = useSubmit((fingerprint: string) =>
    call('notifications.setSmtp', { host: saved.host, port: saved.port, security: saved.security, user: saved.user, from: saved.from, trustFingerprint: fingerprint }),
  );
  const certificate = send.error && (send.error.code === 'tls.untrusted' || send.error.code === 'tls.certificateChanged') ? certificateOf(send.error.details) : null;
  const addresses = to
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

  const run = async () => {
    setSent(null);
    const r = await send.run(addresses);
    if (r.ok) setSent(`Sent to ${r.value.to.join(', ')}; the server said: ${r.value.response}`);
  };
  const trustIt = async (c: Certificate) => {
    const r = await trust.run(c.fingerprint);
    if (r.ok) await run();
  };
  return (
    <Stack gap="xs">
      <Group align="end">
        <TextInput label="Send a test to" placeholder="ops@example.org" value={to} onChange={(e) => setTo(e.currentTarget.value)} style={{ flex: 1 }} />
        <Button variant="default" onClick={() => void run()} loading={send.busy} disabled={props.dirty || addresses.length === 0}>
          Send test
        </Button>
      </Group>
      {props.dirty && (
        <Text size="xs" c="dimmed">
          Save the mail server first: the test uses the saved settings.
        </Text>
      )}
      {sent && (
        <Alert color="green" variant="light" title="Test message sent">
          {sent}
        </Alert>
      )}
      {send.error && (
        <Alert color="red" variant="light" title="The test message was not sent">
          {/* a fingerprint is one long word */}
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {send.error.message}
          </Text>
          {certificate && (
            <Button size="compact-sm" mt="xs" color="red" variant="light" loading={trust.busy} onClick={() => void trustIt(certificate)}>
              Trust this certificate ({certificate.fingerprint.slice(0, 11)}…) and send again
            </Button>
          )}
          {trust.error && (
            <Text size="sm" mt="xs">
              {trust.error.message}
            </Text>
          )}
        </Alert>
      )}
      {!send.error && !sent && saved.lastError && (
        <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
          Last e-mail not sent ({new Date(saved.lastError.at).toLocaleString()}): {saved.lastError.message}
        </Text>
      )}
    </Stack>
  );
}
