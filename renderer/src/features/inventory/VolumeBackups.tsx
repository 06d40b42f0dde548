import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, Menu, Stack, Text } from '@mantine/core';
import type { BackupView } from '../../../../shared/domain/backups';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useActions } from '../../api/useActions';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RestoreVolumeModal } from '../restore/RestoreVolumeModal';
import { BackUpButton, RestorePointTimeline } from './RestorePointTimeline';

interface Target {
  providerId: string;
  providerName: string;
  volumeId: string;
  name: string;
  /** the instances it is attached to, by name */
  attachedTo: string[];
}

/** the one disk of a standalone volume's restore point (VOLUME_DISK of the disk-attachment strategy) */
const DISK = 'volume';

const backUp = (mode: 'auto' | 'full', label: string): Action<Target> => ({
  id: `volume-backup-${mode}`,
  label,
  run: async ([t]) => followJob(await call('backups.startVolume', { providerId: t!.providerId, volumeId: t!.volumeId, mode })),
  done: ([t]) => `Backup of ${t!.name} started`,
});
const BACK_UP = { auto: backUp('auto', 'Back up now'), full: backUp('full', 'Full backup') };

/** Says up front what "Back up now" would be refused for: the cloud has no proxy VM to read the volume on. */
function ProxyNote({ providerId, providerName }: { providerId: string; providerName: string }) {
  const { data } = useQuery('proxies.list', { providerId }, { tables: ['settings'] });
  if (!data || data.items.length > 0) return null;
  return (
    <Text size="sm" c="orange" data-testid="no-proxy-note">
      {providerName} has no proxy VM yet: a volume is read on one. Add one on the{' '}
      <Anchor component={Link} to="/clouds" size="sm">
        Clouds page
      </Anchor>
      .
    </Text>
  );
}

/** "Back up now" for one volume on its own, and its restore points, each restorable as a new volume. */
export function VolumeBackups(target: Target) {
  const { data, error, reload } = useQuery('backups.list', { resourceId: target.volumeId }, { tables: ['backups'] });
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  const runner = useActions();
  const items = (data?.items ?? []).filter((b) => b.resourceKind === 'volume');
  const busy = Object.values(BACK_UP).some((a) => runner.isBusy(a.id));
  return (
    <Stack>
      <Group wrap="nowrap" align="flex-start">
        <BackUpButton label={BACK_UP.auto.label} busy={busy} onClick={() => void runner.run(BACK_UP.auto, [target])}>
          <Menu.Item onClick={() => void runner.run(BACK_UP.full, [target])}>{BACK_UP.full.label}</Menu.Item>
        </BackUpButton>
        <Text size="xs" c="dimmed">
          Read on the cloud&apos;s proxy VM (disk attachment): a temporary volume made from a Cinder snapshot is attached to the proxy and read there.
          After the first backup only the blocks whose digests changed cross the network. Nothing is left in the cloud.
        </Text>
      </Group>
      <ProxyNote providerId={target.providerId} providerName={target.providerName} />
      {error && <ErrorAlert error={error} title="The restore points could not be listed" onRetry={reload} />}
      {data && items.length === 0 ? (
        <Text c="dimmed" data-testid="no-volume-backup">
          No backup of this volume on its own yet.
          {target.attachedTo.length > 0 &&
            ` It is attached to ${target.attachedTo.join(', ')}, whose backups take it as one of the instance's disks (except through image transfer, which takes the root disk only).`}
        </Text>
      ) : (
        <RestorePointTimeline
          items={items}
          actions={(b) => (
            <Button size="compact-xs" variant="subtle" onClick={() => setRestoring(b)}>
              Restore as a volume…
            </Button>
          )}
        />
      )}
      {runner.confirmation}
      <RestoreVolumeModal target={restoring ? { backup: restoring, disk: DISK } : null} onClose={() => setRestoring(null)} />
    </Stack>
  );
}
