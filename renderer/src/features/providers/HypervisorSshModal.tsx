import { useState } from 'react';
import {
  Alert,
  Button,
  FileButton,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { call } from '../../api/client';

/** SSH settings of one hypervisor for the libvirt strategy. The key or password is sealed by the core. */
export function HypervisorSshModal(props: {
  providerId: string;
  hostname: string | null;
  defaults: { address: string | null; port: number; user: string | null };
  onClose: () => void;
}) {
  const [address, setAddress] = useState(props.defaults.address ?? '');
  const [port, setPort] = useState(props.defaults.port || 22);
  const [user, setUser] = useState(props.defaults.user ?? 'root');
  const [auth, setAuth] = useState<'key' | 'password'>('key');
  const [privateKey, setPrivateKey] = useState('');
  const [password, setPassword] = useState('');
  const [hostKey, setHostKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (!props.hostname) return;
    setError(null);
    try {
      await call('hypervisors.setSsh', {
        providerId: props.providerId,
        hostname: props.hostname,
        address,
        port,
        user,
        ...(auth === 'key' ? { privateKey } : { password }),
        ...(hostKey.trim() ? { hostKey: hostKey.trim() } : {}),
      });
      props.onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Modal opened={props.hostname !== null} onClose={props.onClose} title={`SSH to ${props.hostname ?? ''}`} size="lg">
      <Stack>
        <Group grow>
          <TextInput label="Address" required value={address} onChange={(e) => setAddress(e.currentTarget.value)} />
          <NumberInput label="Port" min={1} max={65535} value={port} onChange={(v) => typeof v === 'number' && setPort(v)} />
          <TextInput label="User" required value={user} onChange={(e) => setUser(e.currentTarget.value)} />
        </Group>
        <SegmentedControl
          value={auth}
          onChange={(v) => setAuth(v as 'key' | 'password')}
          data={[
            { value: 'key', label: 'Private key' },
            { value: 'password', label: 'Password' },
          ]}
        />
        {auth === 'key' ? (
          <>
            <Textarea
              label="Private key"
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              minRows={4}
              autosize
              value={privateKey}
              onChange={(e) => setPrivateKey(e.currentTarget.value)}
            />
            <FileButton onChange={(f) => void f?.text().then(setPrivateKey)}>
              {(p) => (
                <Button variant="subtle" w="fit-content" {...p}>
                  Read it from a file…
                </Button>
              )}
            </FileButton>
          </>
        ) : (
          <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        )}
        <TextInput
          label="Host key to trust (optional)"
          description="SHA256:… as `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it on the host; needed again after the host's key changed"
          value={hostKey}
          onChange={(e) => setHostKey(e.currentTarget.value)}
        />
        <Text size="xs" c="dimmed">
          Without it, the host key is pinned on the first connection; a different key later is refused. The key or password is stored encrypted and never shown
          again.
        </Text>
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={() => void save()} disabled={!address || !user || (auth === 'key' ? !privateKey : !password)}>
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
