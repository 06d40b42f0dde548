import { useEffect, useMemo, useState } from 'react';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCamera, IconRefresh } from '@tabler/icons-react';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { isTerminal } from '../../../../shared/domain/jobs';
import { defaultSnapshotName } from '../../../../shared/domain/snapshots';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useActions } from '../../api/useActions';
import { useQuery } from '../../api/useQuery';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalFooter } from '../../components/ModalFooter';
import { useJobsStore } from '../../stores/jobs.store';
import { snapshotColumns, type SnapshotRow } from './snapshot-columns';

type Instance = OutputOf<'inventory.getInstance'>;
interface Draft {
  name: string;
  /** '' for the instance itself, else a volume id */
  of: string;
}

const takeSnapshot = (i: Instance): Action<Draft> => ({
  id: 'take-snapshot',
  label: 'Take snapshot',
  run: async ([d]) =>
    followJob(await call('snapshots.create', { providerId: i.providerId, instanceId: i.id, name: d!.name, ...(d!.of ? { volumeId: d!.of } : {}) })),
  done: ([d]) => `Snapshot ${d!.name} started`,
});

function TakeSnapshot({ instance: i, onClose }: { instance: Instance; onClose: () => void }) {
  const [draft, setDraft] = useState<Draft>({ name: defaultSnapshotName(i.name, new Date()), of: '' });
  const runner = useActions();
  const action = useMemo(() => takeSnapshot(i), [i]);
  const take = async () => {
    if ((await runner.run(action, [draft])) === 'done') onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Take a snapshot of ${i.name}`}>
      <Stack>
        <Select
          label="Of"
          allowDeselect={false}
          value={draft.of}
          onChange={(v) => setDraft({ ...draft, of: v ?? '' })}
          data={[
            { value: '', label: 'The instance (an image made by Nova)' },
            ...i.volumes.map((v) => ({ value: v.id, label: `Volume ${v.device ?? ''} ${v.name ?? v.id}`.replace(/\s+/g, ' ') })),
          ]}
        />
        <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
        <Text size="xs" c="dimmed">
          {draft.of
            ? 'A Cinder snapshot of the attached volume, crash-consistent: what was written to the disk at that instant.'
            : 'Nova snapshots the instance as a Glance image (a volume-backed instance gets Cinder snapshots of its volumes). It runs as a job; the instance may pause briefly.'}
        </Text>
        <ModalFooter>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => void take()} loading={runner.isBusy(action.id)} disabled={!draft.name.trim()}>
              Take snapshot
            </Button>
          </Group>
        </ModalFooter>
      </Stack>
    </Modal>
  );
}

/** The instance's snapshots in the cloud: taken, listed, deleted (read from the cloud, not the catalog). */
export function InstanceSnapshots({ instance: i }: { instance: Instance }) {
  // Read from the cloud: again when a snapshot job ends (not on every job event) and after a delete.
  const { data, error, loading, reload } = useQuery('snapshots.list', { providerId: i.providerId, instanceId: i.id }, { tables: [] });
  const snapshotJobsEnded = useJobsStore((s) => Object.values(s.byId).filter((j) => j.kind === 'snapshot.create' && isTerminal(j.state)).length);
  const [taking, setTaking] = useState(false);
  const columns = useMemo(() => snapshotColumns(reload), [reload]);
  useEffect(() => {
    if (snapshotJobsEnded > 0) reload();
  }, [snapshotJobsEnded, reload]);
  const rows = useMemo<SnapshotRow[]>(
    () => (data?.items ?? []).map((s) => ({ ...s, providerId: i.providerId, instanceId: i.id, instanceName: i.name })),
    [data, i.providerId, i.id, i.name],
  );
  return (
    <Stack>
      <Group>
        <Button leftSection={<IconCamera size={16} />} onClick={() => setTaking(true)}>
          Take snapshot…
        </Button>
        <Button variant="subtle" leftSection={<IconRefresh size={16} />} onClick={reload} loading={loading}>
          Refresh
        </Button>
      </Group>
      {error && <ErrorAlert error={error} title="The snapshots could not be listed" onRetry={reload} />}
      <DataTable<SnapshotRow>
        testId="instance-snapshots"
        rows={rows}
        columns={columns}
        getRowId={(s) => `${s.kind}/${s.id}`}
        height="auto"
        maxHeight={360}
        rowHeight={52}
        initialSort={[{ id: 'created', desc: true }]}
        emptyText={data ? 'No snapshot of this instance or its volumes.' : 'Listing the snapshots in the cloud…'}
      />
      <Text size="xs" c="dimmed">
        Snapshots live in the cloud and count against its quota; restore points live in destinations. The snapshot a backup keeps on the hypervisor
        for the next incremental is released from the Backups tab.
      </Text>
      {taking && <TakeSnapshot instance={i} onClose={() => setTaking(false)} />}
    </Stack>
  );
}
