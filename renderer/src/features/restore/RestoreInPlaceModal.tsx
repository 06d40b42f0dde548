import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import { followJob } from '../../api/actions';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * "Restore over original disks…": the restore point written over the instance's existing
 * disks, only the blocks that differ. The confirmation names the instance and each disk, and says
 * that the instance is stopped and what was written since is lost.
 */
export function RestoreInPlaceModal({ backup, onClose }: { backup: BackupView | null; onClose: () => void }) {
  return (
    <Modal opened={backup !== null} onClose={onClose} title={backup ? `Restore ${backup.resourceName} over its original disks` : ''} size="md">
      {backup && <RestoreInPlaceForm key={`${backup.destinationId}/${backup.id}`} backup={backup} onClose={onClose} />}
    </Modal>
  );
}

function RestoreInPlaceForm({ backup, onClose }: { backup: BackupView; onClose: () => void }) {
  const [disks, setDisks] = useState<string[]>(backup.disks.map((d) => d.name));
  const submit = useSubmit(async () => {
    const all = disks.length === backup.disks.length;
    const { jobId } = await call('restore.inPlace', { backupId: backup.id, destinationId: backup.destinationId, instanceId: backup.resourceId, ...(all ? {} : { disks }) });
    notifications.show({ title: `Restoring ${backup.resourceName} over its disks`, message: followJob({ jobId }) });
    onClose();
  });
  return (
    <Stack>
      <Text size="sm">
        The restore point of {new Date(backup.createdAt).toLocaleString()} is written over the disks of instance <b>{backup.resourceName}</b> ({backup.resourceId}).
        Each disk is compared with the restore point block by block on its hypervisor, and only the blocks that differ are written, then checked.
      </Text>
      <Checkbox.Group label="Disks to overwrite" value={disks} onChange={setDisks} data-testid="in-place-disks">
        <Stack gap={6} mt={6}>
          {backup.disks.map((d) => (
            <Checkbox key={d.name} value={d.name} label={`${d.name} (${formatBytes(d.size)})`} />
          ))}
        </Stack>
      </Checkbox.Group>
      <Alert color="orange" icon={<IconAlertTriangle size={16} />} title="The instance is stopped">
        {backup.resourceName} is shut down through Nova while its disks are written, and started again afterwards when it was running. Whatever was
        written on {disks.length ? disks.join(', ') : 'the chosen disks'} since the restore point is lost.
      </Alert>
      {submit.error && <ErrorAlert error={submit.error} title="The restore did not start" />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button color="orange" onClick={() => void submit.run()} loading={submit.busy} disabled={disks.length === 0}>
          Stop and overwrite {disks.length === 1 ? `disk ${disks[0]}` : `${disks.length} disks`}
        </Button>
      </Group>
    </Stack>
  );
}
