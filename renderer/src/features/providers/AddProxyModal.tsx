import { useState } from 'react';
import { Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import type { ProviderView } from '../../../../shared/domain/providers';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalFooter } from '../../components/ModalFooter';
import { HostKeyInput, noSecret, secretGiven, secretInput, SshAuthChoice, SshSecretInputs, type SshSecret } from './SshSecretFields';

/** What a proxy VM is, in one line: shown with the list and in the form. */
export const PROXY_NEEDS = 'An instance of this cloud reachable over SSH with python3; volumes are attached to it and read there.';

const EMPTY = { server: '', address: '', port: 22, user: '', hostKey: '', via: null as string | null };

/**
 * Adds a proxy VM of a cloud: the instance (found in Nova by the core), how to reach it over SSH
 * (directly, or through a hypervisor whose SSH settings are saved), and the key or password.
 */
export function AddProxyModal({ provider, opened, onClose }: { provider: ProviderView; opened: boolean; onClose: () => void }) {
  const [f, setF] = useState(EMPTY);
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));
  const text = (k: 'server' | 'address' | 'user', label: string, props: { description?: string; placeholder?: string } = {}) => (
    <TextInput label={label} required {...props} value={f[k]} onChange={(e) => set(k, e.currentTarget.value)} />
  );
  const [secret, setSecret] = useState<SshSecret>(noSecret());
  const hypervisors = useQuery('hypervisors.list', opened ? { providerId: provider.id } : null, { tables: ['hypervisors'] });
  // Only a host with SSH settings can be a jump host.
  const jumpHosts = (hypervisors.data?.items ?? []).filter((h) => h.ssh.address).map((h) => h.hostname);
  const submit = useSubmit(() =>
    call('proxies.add', {
      providerId: provider.id,
      server: f.server,
      address: f.address,
      port: f.port,
      user: f.user,
      ...secretInput(secret),
      ...(f.hostKey.trim() ? { hostKey: f.hostKey.trim() } : {}),
      ...(f.via ? { viaHypervisor: f.via } : {}),
    }),
  );
  const close = () => {
    // Nothing typed stays behind, the secret least of all.
    setF(EMPTY);
    setSecret(noSecret());
    submit.clearError();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={`Add a proxy VM to ${provider.name}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run().then((r) => r.ok && close());
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {PROXY_NEEDS} A backup uses the proxy in its instance&apos;s availability zone, else any.
          </Text>
          {text('server', 'Instance', { description: "The proxy's name or id in Nova, as this cloud's account sees it" })}
          <Stack gap={4}>
            <Group grow align="start">
              {text('address', 'Address')}
              <NumberInput label="Port" min={1} max={65535} value={f.port} onChange={(v) => typeof v === 'number' && set('port', v)} />
              {text('user', 'User', { placeholder: 'debian, ubuntu, root…' })}
            </Group>
            <Text size="xs" c="dimmed">
              Its fixed or floating IP, as this workstation (or the hypervisor below) reaches it. A user other than root runs python3 through sudo -n.
            </Text>
          </Stack>
          <SshAuthChoice value={secret.auth} onChange={(auth) => setSecret((s) => ({ ...s, auth }))} />
          <SshSecretInputs secret={secret} onChange={(patch) => setSecret((s) => ({ ...s, ...patch }))} />
          <HostKeyInput value={f.hostKey} onChange={(v) => set('hostKey', v)} secretNote="The private key or password is stored encrypted and never shown again." />
          {jumpHosts.length > 0 ? (
            <Select
              label="Reach it through a hypervisor (optional)"
              description="As ssh -J, with the hypervisor's saved SSH settings: for a proxy on a network only the compute hosts reach"
              placeholder="Directly from this workstation"
              data={jumpHosts}
              value={f.via}
              onChange={(v) => set('via', v)}
              clearable
            />
          ) : (
            <Text size="xs" c="dimmed">
              To reach the proxy through a hypervisor (as ssh -J), give that hypervisor SSH settings first.
            </Text>
          )}
          {/* Stuck to the dialog's bottom: the core's answer shows even with the form scrolled. */}
          <ModalFooter>
            {submit.error && <ErrorAlert error={submit.error} title="The proxy was not added" compact />}
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={submit.busy} disabled={!f.server.trim() || !f.address.trim() || !f.user.trim() || !secretGiven(secret)}>
                Add
              </Button>
            </Group>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
