import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { BackupView } from '../../../../shared/domain/backups';
import { followJob } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useResourceOptions } from './resource-options';

/** "Verify by booting…": the restore point booted in the cloud's sandbox project (asked the first time, remembered per cloud), then removed. */
export function VerifyBootModal({ backup, onClose }: { backup: BackupView | null; onClose: () => void }) {
  return (
    <Modal opened={backup !== null} onClose={onClose} title={backup ? `Verify ${backup.resourceName} by booting it` : ''} size="md">
      {backup?.providerId && <VerifyBootForm key={`${backup.destinationId}/${backup.id}`} backup={backup} providerId={backup.providerId} onClose={onClose} />}
    </Modal>
  );
}

function VerifyBootForm({ backup, providerId, onClose }: { backup: BackupView; providerId: string; onClose: () => void }) {
  const saved = useQuery('restore.verifySandbox', { providerId }, { tables: ['settings'] });
  const [chosen, setChosen] = useState<string | null>(null);
  const projects = useResourceOptions(providerId, 'project', 'id');
  const projectId = chosen ?? saved.data?.projectId ?? null;
  const submit = useSubmit(async () => {
    if (!projectId) return;
    const { jobId } = await call('restore.verify', { backupId: backup.id, destinationId: backup.destinationId, sandboxProjectId: projectId });
    notifications.show({ title: `Boot check of ${backup.resourceName} started`, message: followJob({ jobId }) });
    onClose();
  });
  return (
    <Stack>
      <Text size="sm">
        The restore point of {new Date(backup.createdAt).toLocaleString()} is restored into the sandbox project as a new server on a network of that
        project (no floating IP), started, and its console read for signs the operating system came up; the guest agent is asked when the image has
        one. Then the server and its volumes are deleted, also when the check fails or is cancelled. The result is kept with the restore point.
      </Text>
      <Select
        label="Sandbox project"
        description={saved.data?.projectId ? 'The project boot checks of this cloud run in; changing it here changes it for the next checks.' : 'Boot checks of this cloud run in this project from now on. Choose one with a network of its own.'}
        placeholder="Choose a project"
        data={projects.data}
        value={projectId}
        onChange={setChosen}
        searchable
        data-testid="sandbox-project"
      />
      {(saved.error ?? projects.error) && <ErrorAlert error={(saved.error ?? projects.error)!} title="The projects could not be read" compact />}
      {submit.error && <ErrorAlert error={submit.error} title="The boot check did not start" />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={() => void submit.run()} loading={submit.busy} disabled={!projectId}>
          Boot and check
        </Button>
      </Group>
    </Stack>
  );
}
