import { useState } from 'react';
import { Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import type { FilesTarget } from '../../../../shared/domain/files';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { StartJobFooter } from './StartJobFooter';
import { defaultGuestFolder, guestFolderProblem, instanceChoices } from './restore-into-instance';

interface Props {
  target: FilesTarget;
  /** the selection; null: the dialog is closed */
  paths: string[] | null;
  /** the folder the browser shows */
  folder: string;
  /** the instance the restore point is of (the default choice), when it is one */
  own: { providerId: string | null; id: string } | null;
  onClose: () => void;
}

/**
 * Writes the selection into a running instance through its QEMU guest agent, as a job: which
 * instance (the restore point's own by default), which folder of the guest (the one it came from
 * by default), and whether what is in the way is replaced or kept as NAME.orig.
 */
export function RestoreIntoInstance(props: Props) {
  const paths = props.paths ?? [];
  const what = paths.length === 1 ? paths[0]! : `${paths.length} entries`;
  return (
    <Modal opened={props.paths !== null} onClose={props.onClose} title={`Restore ${what} into an instance`} size="lg">
      {/* keyed by the selection: a new one starts from its own defaults */}
      {props.paths && <RestoreIntoForm key={paths.join('\n')} {...props} paths={paths} what={what} />}
    </Modal>
  );
}

function RestoreIntoForm(props: Props & { paths: string[]; what: string }) {
  const instances = useQuery('inventory.listInstances', {}, { tables: ['inventory', 'providers'] });
  const choices = instanceChoices(instances.data?.items ?? [], props.own);
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = picked ?? choices.find((c) => c.own)?.value ?? null;
  const wholeFs = props.paths.includes('/');
  const [folder, setFolder] = useState(defaultGuestFolder(props.paths, props.folder));
  const [overwrite, setOverwrite] = useState(false);
  const problem = folder.trim() ? guestFolderProblem(folder, wholeFs) : null;
  const choice = choices.find((c) => c.value === chosen);
  const start = useSubmit(() => {
    const [providerId, instanceId] = (chosen ?? ' ').split(' ') as [string, string];
    return call('files.startRestoreToGuest', { ...props.target, paths: props.paths, providerId, instanceId, guestPath: folder.trim(), overwrite });
  });
  return (
    <Stack gap="sm">
      <Text size="sm">
        Written into the running instance through its QEMU guest agent (no network to the guest needed): each file complete under a temporary name, then
        moved into place, with its owner, permissions and time. A cancelled restore leaves no partial file.
      </Text>
      <Select
        label="Instance"
        description="It must be running, with qemu-guest-agent (image property hw_qemu_guest_agent=yes)."
        placeholder={instances.loading ? 'Reading the inventory…' : 'Choose an instance'}
        data={choices.map((c) => ({ value: c.value, label: c.label }))}
        value={chosen}
        onChange={setPicked}
        searchable
        nothingFoundMessage="No instance of that name"
        error={instances.error ? `Could not list them: ${instances.error.message}` : choice && !choice.running ? 'This instance is not running: start it first.' : undefined}
      />
      <TextInput
        label="Folder in the instance"
        description="Prefilled with the folder the selection came from, as seen from the root of this volume: a volume the guest mounts elsewhere (/data, /boot) needs its mount point in front."
        placeholder="/root/restored"
        value={folder}
        onChange={(e) => setFolder(e.currentTarget.value)}
        error={problem}
        data-autofocus
      />
      <Switch
        label="Replace what is in the way"
        description={overwrite ? 'Existing files and links are replaced (a folder in the way never is).' : 'Existing files are kept next to the restored ones, as NAME.orig.'}
        checked={overwrite}
        onChange={(e) => setOverwrite(e.currentTarget.checked)}
      />
      <StartJobFooter
        start={start}
        label="Restore into instance"
        disabled={!chosen || !folder.trim() || problem !== null}
        started={() => `Restore of ${props.what} into ${choice?.label.split(' · ')[0] ?? 'the instance'} started`}
        onClose={props.onClose}
      />
    </Stack>
  );
}
