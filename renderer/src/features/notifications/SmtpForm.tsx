import { useState } from 'react';
import { Alert, Button, Group, NumberInput, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { SmtpInput, type SmtpSecurity, type SmtpView } from '../../../../shared/domain/notifications';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';

const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };
const SECURITY = [
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'tls', label: 'TLS' },
  { value: 'none', label: 'None (this computer only)' },
];

interface Draft {
  host: string;
  port: number | '';
  security: SmtpSecurity;
  user: string;
  password: string;
  from: string;
}

const draftOf = (s: SmtpView | null): Draft => ({
  host: s?.host ?? '',
  port: s?.port ?? 587,
  security: s?.security ?? 'starttls',
  user: s?.user ?? '',
  password: '',
  from: s?.from ?? '',
});

/** The mail server's fields; the password goes in and never comes back (a stored one is kept when left empty). */
export function SmtpForm(props: { saved: SmtpView | null; onDirty(dirty: boolean): void }) {
  const { saved } = props;
  const [draft, setDraft] = useState<Draft>(() => draftOf(saved));
  const [tried, setTried] = useState(false);
  const submit = useSubmit((input: SmtpInput) => call('notifications.setSmtp', input));
  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    props.onDirty(true);
  };
  const input = { ...draft, port: draft.port === '' ? 0 : draft.port, ...(draft.password ? { password: draft.password } : { password: undefined }) };
  const parsed = SmtpInput.safeParse(input);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0] ?? 'form')] ??= i.message;
  const show = (k: string) => (tried || k === 'security' ? errors[k] : undefined);
  const keepsPassword = Boolean(saved?.passwordStored && saved.user === draft.user.trim());

  const save = async () => {
    setTried(true);
    if (!parsed.success) return;
    const r = await submit.run(input);
    if (r.ok) {
      setDraft((d) => ({ ...d, password: '' }));
      props.onDirty(false);
    }
  };
  return (
    <Stack gap="sm">
      <Group grow align="start">
        <TextInput label="Host" placeholder="mail.example.org" required value={draft.host} error={show('host')} onChange={(e) => set({ host: e.currentTarget.value })} />
        <NumberInput label="Port" required min={1} max={65535} maw={120} value={draft.port} error={show('port')} onChange={(v) => set({ port: typeof v === 'number' ? v : '' })} />
      </Group>
      <div>
        <Text size="sm" fw={500} mb={4}>
          Security
        </Text>
        <SegmentedControl
          aria-label="Security"
          data={SECURITY}
          value={draft.security}
          onChange={(v) => {
            const security = v as SmtpSecurity;
            // a port left at the old mode's usual one follows the mode
            set({ security, ...(draft.port === DEFAULT_PORT[draft.security] ? { port: DEFAULT_PORT[security] } : {}) });
          }}
        />
        {show('security') && (
          <Text size="xs" c="red" mt={4} role="alert">
            {show('security')}
          </Text>
        )}
      </div>
      <Group grow align="start">
        <TextInput label="User" description="Leave empty for a server that needs no sign-in." autoComplete="off" value={draft.user} onChange={(e) => set({ user: e.currentTarget.value })} />
        <PasswordInput
          label="Password"
          description={keepsPassword ? 'Stored sealed; type a new one to replace it.' : 'Stored sealed, never shown again.'}
          placeholder={keepsPassword ? '••••••••  (stored)' : ''}
          autoComplete="new-password"
          disabled={!draft.user.trim()}
          value={draft.password}
          onChange={(e) => set({ password: e.currentTarget.value })}
        />
      </Group>
      <TextInput label="From" description="The sender address of notifications." placeholder="backstack@example.org" required value={draft.from} error={show('from')} onChange={(e) => set({ from: e.currentTarget.value })} />
      {submit.error && (
        <Alert color="red" variant="light" title="Not saved">
          {submit.error.message}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void save()} loading={submit.busy}>
          Save mail server
        </Button>
        {saved?.trustedCertificate && (
          <Text size="xs" c="dimmed">
            Trusts the certificate {saved.trustedCertificate.subject} ({saved.trustedCertificate.fingerprint.slice(0, 23)}…)
          </Text>
        )}
      </Group>
    </Stack>
  );
}
