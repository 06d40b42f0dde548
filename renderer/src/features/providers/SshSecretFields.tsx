import type { ReactNode } from 'react';
import { Button, FileButton, Group, PasswordInput, Text, TextInput, Textarea } from '@mantine/core';
import { Choice } from '../../components/Choice';

/** An SSH login's secret as a form holds it until it is sent: the core seals it and never returns it. */
export interface SshSecret {
  auth: 'key' | 'password';
  privateKey: string;
  passphrase: string;
  password: string;
}

export const noSecret = (auth: SshSecret['auth'] = 'key'): SshSecret => ({ auth, privateKey: '', passphrase: '', password: '' });

/** The request's part for the secret: the key (and its passphrase when one is given), or the password. */
export const secretInput = (s: SshSecret): { privateKey: string; passphrase?: string } | { password: string } =>
  s.auth === 'key' ? { privateKey: s.privateKey, ...(s.passphrase ? { passphrase: s.passphrase } : {}) } : { password: s.password };

export const secretGiven = (s: SshSecret): boolean => Boolean(s.auth === 'key' ? s.privateKey : s.password);

const AUTH = [
  { value: 'key', label: 'Private key' },
  { value: 'password', label: 'Password' },
] as const;

export function SshAuthChoice(props: { value: SshSecret['auth']; onChange: (auth: SshSecret['auth']) => void }) {
  return <Choice value={props.value} onChange={props.onChange} options={AUTH} />;
}

/** The private key (pasted, or read from a file) and its passphrase, or the password; `aside` sits by the file button or under the password. */
export function SshSecretInputs(props: { secret: SshSecret; onChange: (patch: Partial<SshSecret>) => void; aside?: ReactNode }) {
  const { secret, onChange } = props;
  if (secret.auth === 'password') {
    return (
      <>
        <PasswordInput label="Password" value={secret.password} onChange={(e) => onChange({ password: e.currentTarget.value })} />
        {props.aside}
      </>
    );
  }
  return (
    <>
      <Textarea
        label="Private key"
        placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        minRows={4}
        maxRows={8}
        autosize
        value={secret.privateKey}
        onChange={(e) => onChange({ privateKey: e.currentTarget.value })}
      />
      <Group justify="space-between" align="end" wrap="nowrap">
        <Group gap="xs">
          <FileButton onChange={(f) => void f?.text().then((privateKey) => onChange({ privateKey }))}>
            {(p) => (
              <Button variant="light" size="xs" {...p}>
                Read it from a file…
              </Button>
            )}
          </FileButton>
          {props.aside}
        </Group>
        <PasswordInput
          label="Passphrase (if the key has one)"
          w="45%"
          value={secret.passphrase}
          onChange={(e) => onChange({ passphrase: e.currentTarget.value })}
        />
      </Group>
    </>
  );
}

/** The host key to pin now (optional), and what happens without it; `secretNote` says what is shown of the stored secret. */
export function HostKeyInput(props: { value: string; onChange: (value: string) => void; secretNote: string }) {
  return (
    <>
      <TextInput
        label="Host key to trust (optional)"
        description="SHA256:… as `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it on the host; needed again after the host's key changed"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      <Text size="xs" c="dimmed">
        Without it, the host key is pinned on the first connection; a different key later is refused. {props.secretNote}
      </Text>
    </>
  );
}
