import { useState } from 'react';
import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { Choice } from '../../components/Choice';
import { ErrorAlert } from '../../components/ErrorAlert';

const MODES = [
  { value: 'create', label: 'Create a new destination' },
  { value: 'add', label: 'Add an existing one' },
] as const;

/** Create a new destination (optionally encrypted), or add one that exists (another machine's, a reinstall). */
export function CreateDestination({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [mode, setMode] = useState<'create' | 'add'>('create');
  const [name, setName] = useState('');
  const [dir, setDir] = useState('');
  const [encrypt, setEncrypt] = useState(true);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  // Resolves with the recovery key to show, or null when the dialog can close.
  const submit = useSubmit(async (): Promise<string | null> => {
    if (mode === 'create') return (await call('destinations.create', { name, path: dir, ...(encrypt ? { passphrase } : {}) })).recoveryKey;
    await call('destinations.add', { name, path: dir, ...(passphrase ? { passphrase } : {}) });
    return null;
  });

  const close = () => {
    setName('');
    setDir('');
    setPassphrase('');
    setAgain('');
    submit.clearError();
    setRecoveryKey(null);
    setSaved(false);
    onClose();
  };
  const mismatch = mode === 'create' && encrypt && passphrase !== again;
  const tooShort = mode === 'create' && encrypt && passphrase.length < 8;

  if (recoveryKey) {
    return (
      <Modal opened={opened} onClose={() => saved && close()} title="Save the recovery key" size="lg" withCloseButton={saved}>
        <Stack>
          <Alert color="orange" icon={<IconAlertTriangle />} title="Shown once">
            This key opens the destination without the passphrase. Without the passphrase and without this key, nobody — not Backstack, not us — can
            read these backups. Store it away from this machine (a password manager, a printed copy in a safe).
          </Alert>
          {/* wraps at its dashes: the whole key stays inside the dialog, to read or copy by hand */}
          <Code block data-testid="recovery-key" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {recoveryKey}
          </Code>
          <Group>
            <CopyButton value={recoveryKey}>
              {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy to clipboard'}</Button>}
            </CopyButton>
            <Button
              variant="default"
              component="a"
              href={`data:text/plain;charset=utf-8,${encodeURIComponent(`Backstack destination ${name} (${dir})\nrecovery key: ${recoveryKey}\n`)}`}
              download={`backstack-${name}-recovery-key.txt`}
            >
              Download as a file
            </Button>
          </Group>
          <Checkbox label="I have stored the recovery key somewhere safe" checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
          <Button onClick={close} disabled={!saved}>
            Done
          </Button>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened={opened} onClose={close} title="Backup destination" size="lg">
      <Stack>
        <Choice value={mode} onChange={setMode} options={MODES} />
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label="Folder"
          description={
            mode === 'create' ? 'An empty or new folder on a local disk, NFS or SMB mount' : 'The folder that holds the destination (its config file)'
          }
          placeholder="/srv/backups/openstack"
          required
          value={dir}
          onChange={(e) => setDir(e.currentTarget.value)}
        />
        {mode === 'create' && (
          <Checkbox
            label="Encrypt (AES-256-GCM; the passphrase is needed to read or write it)"
            checked={encrypt}
            onChange={(e) => setEncrypt(e.currentTarget.checked)}
          />
        )}
        {(mode === 'add' || encrypt) && (
          <PasswordInput
            label="Passphrase"
            description={
              mode === 'add'
                ? 'Only for an encrypted destination'
                : 'At least 8 characters; stored encrypted on this machine so scheduled backups can run'
            }
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
          />
        )}
        {mode === 'create' && encrypt && (
          <PasswordInput
            label="Passphrase again"
            value={again}
            onChange={(e) => setAgain(e.currentTarget.value)}
            error={again && mismatch ? 'The passphrases differ' : null}
          />
        )}
        {submit.error && <ErrorAlert error={submit.error} title={mode === 'create' ? 'Not created' : 'Not added'} />}
        <Text size="xs" c="dimmed">
          Backups are deduplicated across every instance in a destination and compressed with zstd.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            onClick={() => void submit.run().then((r) => r.ok && (r.value ? setRecoveryKey(r.value) : close()))}
            loading={submit.busy}
            disabled={!name || !dir || mismatch || tooShort}
          >
            {mode === 'create' ? 'Create' : 'Add'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
