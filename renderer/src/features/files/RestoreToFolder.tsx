import { useState } from 'react';
import { Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import type { FilesTarget } from '../../../../shared/domain/files';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { StartJobFooter } from './StartJobFooter';

const CONFLICTS = [
  { value: 'skip', label: 'Keep what is there', description: 'existing files stay; the job lists each one it left alone' },
  { value: 'rename', label: 'Write alongside', description: 'as NAME.restored (-2, -3 …) next to existing files' },
  { value: 'overwrite', label: 'Replace', description: 'existing files are replaced (a folder in the way never is)' },
] as const;

/**
 * Copies the selection (or the folder shown) into a folder of the machine Backstack runs on, as a
 * job: modes and times kept, each file written under a temporary name and renamed into place.
 */
export function RestoreToFolder(props: { target: FilesTarget; paths: string[] | null; onClose: () => void }) {
  const [out, setOut] = useState('');
  const [conflict, setConflict] = useState<'skip' | 'rename' | 'overwrite'>('skip');
  const paths = props.paths ?? [];
  const start = useSubmit(() => call('files.startRestore', { ...props.target, paths, out: out.trim(), conflict }));
  const what = paths.length === 1 ? paths[0]! : `${paths.length} entries`;
  return (
    <Modal opened={props.paths !== null} onClose={props.onClose} title={`Restore ${what} to a folder`} size="lg">
      <Stack gap="sm">
        <Text size="sm">
          Copied into a folder of the machine Backstack runs on (created if missing; nothing is written outside it), folders with everything in them,
          permissions and times kept. Each file is written under a temporary name and renamed when complete: a cancelled restore leaves no partial
          file.
        </Text>
        <TextInput label="Folder" placeholder="/home/me/restored" value={out} onChange={(e) => setOut(e.currentTarget.value)} data-autofocus />
        <Radio.Group label="Files that exist already" value={conflict} onChange={(v) => setConflict(v as typeof conflict)}>
          <Stack gap={6} mt={4}>
            {CONFLICTS.map((c) => (
              <Radio key={c.value} value={c.value} label={c.label} description={c.description} />
            ))}
          </Stack>
        </Radio.Group>
        <StartJobFooter
          start={start}
          label="Restore"
          disabled={!out.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(out.trim())}
          started={() => `Restore of ${what} started`}
          onClose={props.onClose}
        />
      </Stack>
    </Modal>
  );
}
