import { useState } from 'react';
import { Group, Input, Modal, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { defaultRestoreName, type BackupView } from '../../../../shared/domain/backups';
import type { ResourceKind } from '../../../../shared/domain/inventory';
import { followJob } from '../../api/actions';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { Choice } from '../../components/Choice';
import type { InputOf } from '../../../../shared/ipc/contract';
import type { PreflightItem } from '../../../../shared/domain/restore-preflight';
import { DiskChoices, diskParams, NO_DISK_CHOICE, type DiskChoice } from './DiskChoices';
import { FieldNotes, PreflightFooter } from './PreflightPanel';
import { useResourceOptions } from './resource-options';
import { blocks, usePreflight } from './usePreflight';

/** The restore's optional choices, each a picker over one kind of the cloud's resources. */
const PICKERS = [
  { field: 'projectId', kind: 'project', label: 'Target project', placeholder: 'the original project', value: 'id' },
  { field: 'network', kind: 'network', label: 'Network', placeholder: 'the original networks', value: 'id' },
  { field: 'flavor', kind: 'flavor', label: 'Flavor', placeholder: 'the original flavor', value: 'id' },
  // Nova names key pairs by name, not id.
  { field: 'keypair', kind: 'keypair', label: 'Access key (key pair)', placeholder: 'the original one', value: 'name' },
  { field: 'availabilityZone', kind: 'availabilityZone', label: 'Availability zone', placeholder: "the original's", value: 'name' },
] as const satisfies readonly { field: string; kind: ResourceKind; label: string; placeholder: string; value: 'id' | 'name' }[];

const TARGETS = [
  { value: 'nova', label: 'New server through Nova' },
  { value: 'libvirt', label: 'Define the domain on the hypervisor' },
] as const;

const POWER = [
  { value: 'on', label: 'Power on after restore' },
  { value: 'off', label: 'Leave it off (SHUTOFF)' },
] as const;

type Field = (typeof PICKERS)[number]['field'];
type Choices = Partial<Record<Field, string>>;

function ResourcePicker(props: {
  providerId: string | null;
  spec: (typeof PICKERS)[number];
  value: string | null;
  onChange: (v: string | null) => void;
  notes: PreflightItem[] | undefined;
}) {
  const { spec } = props;
  const q = useResourceOptions(props.providerId, spec.kind, spec.value);
  const field = spec.field === 'projectId' ? 'project' : spec.field;
  return (
    <Stack gap={2}>
      <Select
        label={spec.label}
        placeholder={spec.placeholder}
        data={q.data}
        value={props.value}
        onChange={props.onChange}
        searchable
        clearable
        error={q.error ? `Could not list them: ${q.error.message}` : blocks(props.notes, field)}
        disabled={!props.providerId}
      />
      <FieldNotes items={props.notes} field={field} />
    </Stack>
  );
}

/** Restore an instance: where, as what, with which flavor, network, key pair, powered on or off; checked (pre-flight) as it is filled in. */
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
  const [power, setPower] = useState<'on' | 'off'>('on');
  const [noKeypair, setNoKeypair] = useState(false);
  const [disks, setDisks] = useState<DiskChoice>(NO_DISK_CHOICE);
  const params: InputOf<'restore.start'> = {
    backupId: backup.id,
    destinationId: backup.destinationId,
    target,
    verify,
    ...(name.trim() ? { name: name.trim() } : {}),
    ...(target === 'nova'
      ? {
          ...choices,
          power,
          ...(noKeypair ? { keypair: null } : {}),
          ...diskParams(
            disks,
            backup.disks.map((d) => d.name),
          ),
        }
      : {}),
  };
  const { check, checking, notes } = usePreflight('restore.preflight', params);
  const submit = useSubmit(async () => {
    const { jobId } = await call('restore.start', params);
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
        error={blocks(notes, 'name')}
      />
      <FieldNotes items={notes} field="name" />
      {target === 'nova' && (
        <SimpleGrid cols={2}>
          {PICKERS.filter((p) => !(noKeypair && p.field === 'keypair')).map((p) => (
            <ResourcePicker
              key={p.field}
              providerId={backup.providerId}
              spec={p}
              value={choices[p.field] ?? null}
              onChange={(v) => setChoices(({ [p.field]: _old, ...rest }) => (v ? { ...rest, [p.field]: v } : rest))}
              notes={notes}
            />
          ))}
        </SimpleGrid>
      )}
      {target === 'nova' && (
        <DiskChoices
          backupId={backup.id}
          destinationId={backup.destinationId}
          providerId={backup.providerId}
          value={disks}
          onChange={setDisks}
          notes={notes}
        />
      )}
      {target === 'nova' && (
        <Group justify="space-between">
          <Switch
            label="No key pair"
            checked={noKeypair}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setNoKeypair(on);
              if (on) setChoices(({ keypair: _old, ...rest }) => rest);
            }}
          />
          <Input.Wrapper label="After the restore">
            <Choice value={power} onChange={setPower} options={POWER} />
          </Input.Wrapper>
        </Group>
      )}
      <PreflightFooter
        preflight={{ check, checking }}
        verify={{ checked: verify, onChange: setVerify, label: 'Verify each disk after writing it (hash compared before the instance starts)' }}
        submit={{ run: () => void submit.run(), busy: submit.busy, error: submit.error, label: 'Restore' }}
        onClose={onClose}
      />
    </Stack>
  );
}
