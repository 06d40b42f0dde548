import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { BackupView } from '../../../../shared/domain/backups';
import { call } from '../../api/client';

type Option = { value: string; label: string };

/** Restore an instance (basic choices; the cross-cloud modal comes later): where, as what, with which flavor, network, key pair. */
export function RestoreModal({ backup, onClose }: { backup: BackupView | null; onClose: () => void }) {
  const [target, setTarget] = useState<'nova' | 'libvirt'>('nova');
  const [name, setName] = useState('');
  const [projectId, setProjectId] = useState<string | null>(null);
  const [flavor, setFlavor] = useState<string | null>(null);
  const [network, setNetwork] = useState<string | null>(null);
  const [keypair, setKeypair] = useState<string | null>(null);
  const [verify, setVerify] = useState(true);
  const [options, setOptions] = useState<{ projects: Option[]; flavors: Option[]; networks: Option[]; keypairs: Option[] }>({
    projects: [],
    flavors: [],
    networks: [],
    keypairs: [],
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!backup?.providerId) return;
    const providerId = backup.providerId;
    const list = async (kind: 'project' | 'flavor' | 'network' | 'keypair') =>
      (await call('inventory.listResources', { providerId, kind })).items.map((r) => ({ value: kind === 'keypair' ? r.name : r.id, label: r.name }));
    void Promise.all([list('project'), list('flavor'), list('network'), list('keypair')]).then(([projects, flavors, networks, keypairs]) =>
      setOptions({ projects, flavors, networks, keypairs }),
    );
  }, [backup]);

  const start = async () => {
    if (!backup) return;
    setBusy(true);
    setError(null);
    try {
      const { jobId } = await call('restore.start', {
        backupId: backup.id,
        destinationId: backup.destinationId,
        target,
        verify,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(projectId ? { projectId } : {}),
        ...(flavor ? { flavor } : {}),
        ...(network ? { network } : {}),
        ...(keypair ? { keypair } : {}),
      });
      notifications.show({ title: `Restore of ${backup.resourceName} started`, message: `Follow job ${jobId.slice(0, 8)} in Jobs.` });
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={backup !== null} onClose={onClose} title={backup ? `Restore ${backup.resourceName}` : ''} size="lg">
      {backup && (
        <Stack>
          <Text size="sm" c="dimmed">
            Restore point of {new Date(backup.createdAt).toLocaleString()} ({backup.kind}, {backup.disks.map((d) => d.name).join(', ')})
          </Text>
          <SegmentedControl
            value={target}
            onChange={(v) => setTarget(v as 'nova' | 'libvirt')}
            data={[
              { value: 'nova', label: 'New server through Nova' },
              { value: 'libvirt', label: 'Define the domain on the hypervisor' },
            ]}
          />
          <TextInput label="Name" placeholder={`${backup.resourceName}-restored`} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          {target === 'nova' && (
            <>
              <Select
                label="Target project"
                placeholder="the original project"
                data={options.projects}
                value={projectId}
                onChange={setProjectId}
                searchable
                clearable
              />
              <Group grow>
                <Select
                  label="Flavor"
                  placeholder="the original flavor"
                  data={options.flavors}
                  value={flavor}
                  onChange={setFlavor}
                  searchable
                  clearable
                />
                <Select
                  label="Access key (key pair)"
                  placeholder="the original one"
                  data={options.keypairs}
                  value={keypair}
                  onChange={setKeypair}
                  searchable
                  clearable
                />
              </Group>
              <Select
                label="Network"
                placeholder="the original networks"
                data={options.networks}
                value={network}
                onChange={setNetwork}
                searchable
                clearable
              />
            </>
          )}
          <Switch
            label="Verify each disk after writing it (hash compared before the instance starts)"
            checked={verify}
            onChange={(e) => setVerify(e.currentTarget.checked)}
          />
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => void start()} loading={busy}>
              Restore
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
