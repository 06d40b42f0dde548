import { useState } from 'react';
import { Button, Code, Group, Modal, NumberInput, Paper, Stack, Text, TextInput } from '@mantine/core';
import type { HypervisorItem, HypervisorSsh } from '../../../../shared/domain/inventory';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { Choice } from '../../components/Choice';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HostKeyInput, noSecret, secretGiven, secretInput, SshAuthChoice, SshSecretInputs, type SshSecret } from './SshSecretFields';

const TRANSFER = [
  { value: 'ssh', label: 'Disks through SSH' },
  { value: 'direct', label: 'Direct transfer (TLS, faster)' },
] as const;

/** A stored key (by its fingerprint, as `ssh-keygen -lf` prints it) or password (by the fact alone), and the way to replace it. */
function StoredSecret({ stored, onReplace }: { stored: Pick<HypervisorSsh, 'auth' | 'key'>; onReplace: () => void }) {
  return (
    <Paper withBorder p="sm" data-testid="stored-secret">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {stored.auth === 'key' ? 'Private key stored' : 'Password stored'}
          </Text>
          {stored.auth === 'key' && (
            <Text size="xs" c="dimmed">
              {stored.key ? (
                <>
                  {stored.key.type} <Code>{stored.key.fingerprint}</Code>
                </>
              ) : (
                'It cannot be read any more: replace it.'
              )}
            </Text>
          )}
        </Stack>
        <Button variant="light" size="xs" onClick={onReplace} style={{ flexShrink: 0 }}>
          {stored.auth === 'key' ? 'Replace key' : 'Replace password'}
        </Button>
      </Group>
    </Paper>
  );
}

/** The dialog's host (null: closed) and starting values: the host's saved settings, or its address from the inventory. */
export const sshDialogFor = (h: HypervisorItem | null) => ({
  hostname: h?.hostname ?? null,
  defaults: {
    address: h?.ssh.address ?? h?.data.hostIp ?? null,
    port: h?.ssh.port ?? 22,
    user: h?.ssh.user ?? null,
    ...(h ? { transfer: h.ssh.transfer } : {}),
  },
  stored: { auth: h?.ssh.auth ?? null, key: h?.ssh.key ?? null },
});

/**
 * SSH settings of one hypervisor for the libvirt strategy. The key or password is sealed by the
 * core and write-only: a stored one is kept unless replaced, and a key shows as its fingerprint.
 */
export function HypervisorSshModal(props: {
  providerId: string;
  hostname: string | null;
  defaults: {
    address: string | null;
    port: number;
    user: string | null;
    transfer?: { kind: 'ssh' } | { kind: 'direct'; address: string | null; ports: [number, number] };
  };
  /** what the host has stored: the kind, and a key's fingerprint (the secret itself never reaches the UI) */
  stored: Pick<HypervisorSsh, 'auth' | 'key'>;
  onClose: () => void;
}) {
  const [address, setAddress] = useState(props.defaults.address ?? '');
  const [port, setPort] = useState(props.defaults.port || 22);
  const [user, setUser] = useState(props.defaults.user ?? 'root');
  const [secret, setSecret] = useState<SshSecret>(noSecret(props.stored.auth ?? 'key'));
  const change = (patch: Partial<SshSecret>) => setSecret((s) => ({ ...s, ...patch }));
  const auth = secret.auth;
  // With a stored secret of the chosen kind, the fields to replace it show only on request.
  const [replacing, setReplacing] = useState(false);
  const keeps = props.stored.auth === auth && !replacing;
  const [hostKey, setHostKey] = useState('');
  const initial = props.defaults.transfer?.kind === 'direct' ? props.defaults.transfer : null;
  const [transfer, setTransfer] = useState<'ssh' | 'direct'>(initial ? 'direct' : 'ssh');
  const [transferAddress, setTransferAddress] = useState(initial?.address ?? '');
  const [lowPort, setLowPort] = useState(initial?.ports[0] ?? 16000);
  const [highPort, setHighPort] = useState(initial?.ports[1] ?? 16999);
  const keepButton = replacing && props.stored.auth === auth && (
    <Button variant="subtle" size="xs" w="fit-content" onClick={() => setReplacing(false)}>
      Keep the stored {auth === 'key' ? 'key' : 'password'}
    </Button>
  );
  const save = useSubmit(async (hostname: string) => {
    await call('hypervisors.setSsh', {
      providerId: props.providerId,
      hostname,
      address,
      port,
      user,
      ...(keeps ? {} : secretInput(secret)),
      ...(hostKey.trim() ? { hostKey: hostKey.trim() } : {}),
      transfer,
      ...(transfer === 'direct' && transferAddress.trim() ? { transferAddress: transferAddress.trim() } : {}),
      transferPorts: [lowPort, highPort],
    });
    props.onClose();
  });
  return (
    <Modal opened={props.hostname !== null} onClose={props.onClose} title={`SSH to ${props.hostname ?? ''}`} size="lg">
      <Stack>
        <Group grow>
          <TextInput label="Address" required value={address} onChange={(e) => setAddress(e.currentTarget.value)} />
          <NumberInput label="Port" min={1} max={65535} value={port} onChange={(v) => typeof v === 'number' && setPort(v)} />
          <TextInput label="User" required value={user} onChange={(e) => setUser(e.currentTarget.value)} />
        </Group>
        <SshAuthChoice value={auth} onChange={(a) => change({ auth: a })} />
        {keeps ? (
          <StoredSecret stored={props.stored} onReplace={() => setReplacing(true)} />
        ) : (
          <SshSecretInputs secret={secret} onChange={change} aside={keepButton} />
        )}
        <HostKeyInput value={hostKey} onChange={setHostKey} secretNote="The private key or password is stored encrypted and never shown again: only the key's fingerprint is." />
        <Choice value={transfer} onChange={setTransfer} options={TRANSFER} />
        {transfer === 'direct' && (
          <>
            <Group grow>
              <TextInput
                label="Transfer address"
                placeholder={address || 'the SSH address'}
                value={transferAddress}
                onChange={(e) => setTransferAddress(e.currentTarget.value)}
              />
              <NumberInput label="Lowest port" min={1024} max={65535} value={lowPort} onChange={(v) => typeof v === 'number' && setLowPort(v)} />
              <NumberInput label="Highest port" min={1024} max={65535} value={highPort} onChange={(v) => typeof v === 'number' && setHighPort(v)} />
            </Group>
            <Text size="xs" c="dimmed">
              qemu-nbd on the host listens on one of these ports for each disk, with a TLS key made for that transfer: open them from this workstation
              to the host. Without SSH&apos;s per-packet work a transfer costs about half the CPU.
            </Text>
          </>
        )}
        {save.error && <ErrorAlert error={save.error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => props.hostname && void save.run(props.hostname)}
            loading={save.busy}
            disabled={!address || !user || (!keeps && !secretGiven(secret))}
          >
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
