import { useState } from 'react';
import { Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { defaultVolumeRestoreName, type BackupView } from '../../../../shared/domain/backups';
import type { InputOf } from '../../../../shared/ipc/contract';
import { followJob } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { FieldNotes, PreflightFooter } from './PreflightPanel';
import { useResourceOptions } from './resource-options';
import { blocks, usePreflight } from './usePreflight';

/** One disk of a restore point restored as a new volume: where, named how, of which type, attached to which instance; checked as it is filled in. */
export function RestoreVolumeModal({ target, onClose }: { target: { backup: BackupView; disk: string } | null; onClose: () => void }) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={
        target
          ? target.backup.resourceKind === 'volume'
            ? `Restore volume ${target.backup.resourceName || target.backup.resourceId} as a new volume`
            : `Restore disk ${target.disk} of ${target.backup.resourceName} as a volume`
          : ''
      }
      size="lg"
    >
      {/* Keyed by the disk: choices made for one never carry over to the next. */}
      {target && (
        <RestoreVolumeForm
          key={`${target.backup.destinationId}/${target.backup.id}/${target.disk}`}
          backup={target.backup}
          disk={target.disk}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

function RestoreVolumeForm({ backup, disk, onClose }: { backup: BackupView; disk: string; onClose: () => void }) {
  const [projectId, setProjectId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [volumeType, setVolumeType] = useState<string | null>(null);
  const [attachTo, setAttachTo] = useState<string | null>(null);
  const [verify, setVerify] = useState(true);
  const described = useQuery('restore.describe', { backupId: backup.id, destinationId: backup.destinationId }, { tables: ['backups'] });
  const original = described.data?.disks.find((d) => d.name === disk);
  const projects = useResourceOptions(backup.providerId, 'project', 'id');
  const types = useResourceOptions(backup.providerId, 'volumeType', 'name');
  // the instances of the project the volume goes to
  const instances = useResourceOptions(backup.providerId, 'instance', 'id', projectId ?? described.data?.projectId ?? null);
  const params: InputOf<'restore.volume'> = {
    backupId: backup.id,
    destinationId: backup.destinationId,
    disk,
    verify,
    ...(projectId ? { projectId } : {}),
    ...(name.trim() ? { name: name.trim() } : {}),
    ...(volumeType ? { volumeType } : {}),
    ...(attachTo ? { attachTo } : {}),
  };
  const { check, checking, notes } = usePreflight('restore.volumePreflight', params);
  const submit = useSubmit(async () => {
    const { jobId } = await call('restore.volume', params);
    notifications.show({ title: `Restore of disk ${disk} as a volume started`, message: followJob({ jobId }) });
    onClose();
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Restore point of {new Date(backup.createdAt).toLocaleString()}: disk {disk}
        {original ? ` (${original.kind === 'volume' ? 'a volume' : 'a local disk'} of the instance)` : ''}, written into a new volume of the project.
      </Text>
      <SimpleGrid cols={2}>
        <Select
          label="Project"
          placeholder="the original project"
          data={projects.data}
          value={projectId}
          onChange={(v) => {
            setProjectId(v);
            setAttachTo(null);
          }}
          searchable
          clearable
          error={blocks(notes, 'project')}
        />
        <TextInput
          label="Volume name"
          placeholder={defaultVolumeRestoreName(backup.resourceName, disk, backup.createdAt)}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={blocks(notes, 'name')}
        />
        <Select
          label="Volume type"
          placeholder={original?.volumeType ? `${original.volumeType} (original)` : "the cloud's default"}
          data={types.data}
          value={volumeType}
          onChange={setVolumeType}
          searchable
          clearable
          error={blocks(notes, 'volumeType')}
        />
        <Select
          label="Attach to instance"
          placeholder="none: left available"
          data={instances.data}
          value={attachTo}
          onChange={setAttachTo}
          searchable
          clearable
          error={blocks(notes, 'attachTo')}
        />
      </SimpleGrid>
      <FieldNotes items={notes} field="name" />
      <PreflightFooter
        preflight={{ check, checking }}
        verify={{ checked: verify, onChange: setVerify, label: 'Verify the volume after writing it (hash compared on the hypervisor)' }}
        submit={{ run: () => void submit.run(), busy: submit.busy, error: submit.error, label: 'Restore volume' }}
        onClose={onClose}
      />
    </Stack>
  );
}
