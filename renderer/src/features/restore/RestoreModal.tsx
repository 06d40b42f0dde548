import { useState } from 'react';
import { Button, Group, Modal, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { defaultRestoreName, type BackupView } from '../../../../shared/domain/backups';
import type { ResourceKind } from '../../../../shared/domain/inventory';
import { followJob } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { Choice } from '../../components/Choice';
import { ErrorAlert } from '../../components/ErrorAlert';

/** The restore's optional choices, each a picker over one kind of the cloud's resources. */
const PICKERS = [
  { field: 'projectId', kind: 'project', label: 'Target project', placeholder: 'the original project', value: 'id' },
  { field: 'network', kind: 'network', label: 'Network', placeholder: 'the original networks', value: 'id' },
  { field: 'flavor', kind: 'flavor', label: 'Flavor', placeholder: 'the original flavor', value: 'id' },
  // Nova names key pairs by name, not id.
  { field: 'keypair', kind: 'keypair', label: 'Access key (key pair)', placeholder: 'the original one', value: 'name' },
] as const satisfies readonly { field: string; kind: ResourceKind; label: string; placeholder: string; value: 'id' | 'name' }[];

const TARGETS = [
  { value: 'nova', label: 'New server through Nova' },
  { value: 'libvirt', label: 'Define the domain on the hypervisor' },
] as const;

type Field = (typeof PICKERS)[number]['field'];
type Choices = Partial<Record<Field, string>>;

function ResourcePicker(props: {
  providerId: string | null;
  spec: (typeof PICKERS)[number];
  value: string | null;
  onChange: (v: string | null) => void;
}) {
  const { spec } = props;
  const q = useQuery('inventory.listResources', props.providerId ? { providerId: props.providerId, kind: spec.kind } : null, {
    tables: ['inventory'],
  });
  const data = (q.data?.items ?? []).map((r) => ({ value: spec.value === 'name' ? r.name : r.id, label: r.name }));
  return (
    <Select
      label={spec.label}
      placeholder={spec.placeholder}
      data={data}
      value={props.value}
      onChange={props.onChange}
      searchable
      clearable
      error={q.error ? `Could not list them: ${q.error.message}` : undefined}
      disabled={!props.providerId}
    />
  );
}

/** Restore an instance (basic choices; the cross-cloud modal comes later): where, as what, with which flavor, network, key pair. */
export function RestoreModal({ backup, onClose }: { backup: BackupView | null; onClose: () => void }) {
  return (
    <Modal opened={backup !== null} onClose={onClose} title={backup ? `Restore ${backup.resourceName}` : ''} size="lg">
      {/* Keyed by the restore point: choices made for one never carry over to the next. */}
      {backup && <RestoreForm key={`${backup.destinationId}/${backup.id}`} backup={backup} onClose={onClose} />}
    </Modal>
  );
}

function RestoreForm({ backup, onClose }: { backup: BackupView; onClose: () => void }) {
  const [target, setTarget] = useState<'nova' | 'libvirt'>('nova');
  const [name, setName] = useState('');
  const [choices, setChoices] = useState<Choices>({});
  const [verify, setVerify] = useState(true);
  const submit = useSubmit(async () => {
    const { jobId } = await call('restore.start', {
      backupId: backup.id,
      destinationId: backup.destinationId,
      target,
      verify,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(target === 'nova' ? choices : {}),
    });
    notifications.show({ title: `Restore of ${backup.resourceName} started`, message: followJob({ jobId }) });
    onClose();
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Restore point of {new Date(backup.createdAt).toLocaleString()} ({backup.kind}, {backup.disks.map((d) => d.name).join(', ')})
      </Text>
      <Choice value={target} onChange={setTarget} options={TARGETS} />
      <TextInput
        label="Name"
        description="Left empty: the name shown, which tells the restored server from the original"
        placeholder={defaultRestoreName(backup.resourceName, backup.createdAt)}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
      {target === 'nova' && (
        <SimpleGrid cols={2}>
          {PICKERS.map((p) => (
            <ResourcePicker
              key={p.field}
              providerId={backup.providerId}
              spec={p}
              value={choices[p.field] ?? null}
              onChange={(v) => setChoices(({ [p.field]: _old, ...rest }) => (v ? { ...rest, [p.field]: v } : rest))}
            />
          ))}
        </SimpleGrid>
      )}
      <Switch
        label="Verify each disk after writing it (hash compared before the instance starts)"
        checked={verify}
        onChange={(e) => setVerify(e.currentTarget.checked)}
      />
      {submit.error && <ErrorAlert error={submit.error} title="The restore did not start" />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={() => void submit.run()} loading={submit.busy}>
          Restore
        </Button>
      </Group>
    </Stack>
  );
}
