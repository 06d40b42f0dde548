import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Group, Menu, Stack, Text } from '@mantine/core';
import type { BackupView } from '../../../../shared/domain/backups';
import type { OfferedStrategy } from '../../../../shared/domain/providers';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useActions } from '../../api/useActions';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { filesLink } from '../files/FilesPage';
import { RestoreModal } from '../restore/RestoreModal';
import { BackUpButton, RestorePointTimeline } from './RestorePointTimeline';

interface Target {
  providerId: string;
  instanceId: string;
  name: string;
}

const backUp = (mode: 'auto' | 'full' | 'incremental', label: string, strategy?: OfferedStrategy): Action<Target> => ({
  id: `backup-${mode}${strategy ? `-${strategy}` : ''}`,
  label,
  run: async ([t]) => followJob(await call('backups.start', { providerId: t!.providerId, instanceId: t!.instanceId, mode, ...(strategy ? { strategy } : {}) })),
  done: ([t]) => `Backup of ${t!.name} started`,
});
const BACK_UP = {
  auto: backUp('auto', 'Back up now'),
  full: backUp('full', 'Full backup'),
  incremental: backUp('incremental', 'Incremental backup'),
};
/** One backup with a strategy the cloud is not set to. */
const WITH_STRATEGY: Record<OfferedStrategy, Action<Target>> = {
  'libvirt-ssh': backUp('auto', 'Back up over SSH (libvirt)', 'libvirt-ssh'),
  'disk-attachment': backUp('auto', 'Back up on the proxy VM (disk attachment)', 'disk-attachment'),
  'image-transfer': backUp('auto', 'Back up through Glance (image transfer)', 'image-transfer'),
};
const STRATEGY_NOTE: Record<OfferedStrategy, string> = {
  'libvirt-ssh':
    'Every disk of the instance, attached volumes included. Incremental when the snapshot kept by the last backup is usable; otherwise full, and the job log says why.',
  'disk-attachment':
    "Every disk (volumes, and an image-backed root disk through a Nova snapshot image) as a temporary Cinder volume attached to the cloud's proxy VM and read there (disk attachment). Incremental by block digests: only changed blocks cross the network.",
  'image-transfer':
    'Through a Nova snapshot downloaded from Glance (image transfer): the root disk, downloaded in full each time; the destination stores only what changed.',
};

/** Frees what this installation keeps on the hypervisor for the next incremental (others' stay). */
const releaseSnapshot: Action<Target> = {
  id: 'release-snapshot',
  label: 'Release kept snapshot…',
  danger: true,
  confirm: ([t]) => ({
    title: `Release the snapshot kept for ${t!.name}?`,
    message:
      "The RBD snapshots this installation keeps for incrementals are removed (and any overlay an earlier version kept is merged back); other installations' are left alone. The next backup of its Ceph disks will be full.",
    confirmLabel: 'Release',
  }),
  run: async ([t]) => {
    const r = await call('backups.releaseSnapshot', { providerId: t!.providerId, instanceId: t!.instanceId });
    return r.message;
  },
  done: ([t]) => `Snapshot of ${t!.name} released`,
};

/** "Back up now" and the instance's restore points as a timeline, newest first. */
export function InstanceBackups(target: Target) {
  const { data, error, reload } = useQuery('backups.list', { resourceId: target.instanceId }, { tables: ['backups'] });
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  const runner = useActions();
  const navigate = useNavigate();
  const clouds = useQuery('providers.list', {}, { tables: ['providers'] });
  const saved = clouds.data?.items.find((p) => p.id === target.providerId)?.strategy;
  const strategy: OfferedStrategy = saved ?? 'libvirt-ssh';
  const others = (Object.keys(WITH_STRATEGY) as OfferedStrategy[]).filter((k) => k !== strategy).map((k) => WITH_STRATEGY[k]);
  const items = data?.items ?? [];
  const busy = [...Object.values(BACK_UP), ...others].some((a) => runner.isBusy(a.id));
  return (
    <Stack>
      <Group>
        <BackUpButton label={BACK_UP.auto.label} busy={busy} onClick={() => void runner.run(BACK_UP.auto, [target])}>
          {[BACK_UP.full, ...(strategy !== 'image-transfer' ? [BACK_UP.incremental] : []), ...others].map((a) => (
            <Menu.Item key={a.id} onClick={() => void runner.run(a, [target])}>
              {a.label}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item color="red" onClick={() => void runner.run(releaseSnapshot, [target])}>
            {releaseSnapshot.label}
          </Menu.Item>
        </BackUpButton>
        <Text size="xs" c="dimmed">
          {STRATEGY_NOTE[strategy]}
        </Text>
      </Group>
      {error && <ErrorAlert error={error} title="The restore points could not be listed" onRetry={reload} />}
      {data && items.length === 0 ? (
        <Text c="dimmed">No backup of this instance yet.</Text>
      ) : (
        <RestorePointTimeline
          items={items}
          actions={(b) => (
            <>
              <Button size="compact-xs" variant="subtle" onClick={() => setRestoring(b)}>
                Restore…
              </Button>
              <Button size="compact-xs" variant="subtle" onClick={() => navigate(filesLink(b))}>
                Browse files…
              </Button>
            </>
          )}
        />
      )}
      {runner.confirmation}
      <RestoreModal backup={restoring} onClose={() => setRestoring(null)} />
    </Stack>
  );
}
