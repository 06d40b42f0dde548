import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, CloseButton, Group, Paper, Pill, Stack, Text, Title } from '@mantine/core';
import { IconArchive, IconFolderSearch, IconPower, IconReplace, IconRestore } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import { useQuery } from '../../api/useQuery';
import { ActionButtons } from '../../components/ActionButtons';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { filesLink } from '../files/FilesPage';
import { RestoreModal } from '../restore/RestoreModal';
import { RestoreVolumeModal } from '../restore/RestoreVolumeModal';
import { RestoreInPlaceModal } from '../restore/RestoreInPlaceModal';
import { VerifyBootModal } from '../restore/VerifyBootModal';
import { backupActions } from './backup-actions';
import { DiskExports } from './ExportDisk';
import { backupColumns, ProtectedBadge } from './backup-columns';
import { VerificationBadge } from './VerificationBadge';

const keyOf = (b: BackupView) => `${b.destinationId}/${b.id}`;

function BackupDetail({
  backup,
  onRestore,
  onRestoreDisk,
  onVerifyBoot,
  onRestoreInPlace,
}: {
  backup: BackupView;
  onRestore: () => void;
  onRestoreDisk: (disk: string) => void;
  onVerifyBoot: () => void;
  onRestoreInPlace: () => void;
}) {
  const navigate = useNavigate();
  // a disk of an instance's restore point can come back alone, as a new volume
  const volumes = backup.resourceKind === 'instance' && backup.providerId !== null;
  return (
    <Paper withBorder p="md" style={{ flex: 1, minWidth: 280, maxWidth: 360 }} data-testid="backup-detail">
      <Stack gap="xs">
        <Group gap="xs">
          <Title order={4}>{backup.resourceName}</Title>
          <ProtectedBadge backup={backup} />
          <VerificationBadge backup={backup} />
        </Group>
        <Text size="sm">
          {backup.kind} backup of {new Date(backup.createdAt).toLocaleString()}
        </Text>
        <Text size="sm" c="dimmed">
          {formatBytes(backup.sizeBytes)} restorable, {formatBytes(backup.newBytes)} new, {formatBytes(backup.storedBytes)} stored
        </Text>
        <DiskExports backup={backup} {...(volumes ? { onRestoreDisk } : {})} />
        <Text size="xs" c="dimmed">
          {backup.protected
            ? 'Protected from pruning: prune keeps it whatever the keep rules say.'
            : 'Prune removes it when no keep rule keeps it, unless you protect it.'}
        </Text>
        <Stack mt="sm" gap="xs">
          <Button size="xs" fullWidth justify="flex-start" leftSection={<IconRestore size={14} />} onClick={onRestore}>
            Restore…
          </Button>
          <Button size="xs" fullWidth justify="flex-start" variant="light" leftSection={<IconFolderSearch size={14} />} onClick={() => navigate(filesLink(backup))}>
            Browse files…
          </Button>
          {volumes && (
            <Button size="xs" variant="light" fullWidth justify="flex-start" leftSection={<IconReplace size={14} />} onClick={onRestoreInPlace}>
              Restore over original disks…
            </Button>
          )}
          {volumes && (
            <Button size="xs" variant="light" fullWidth justify="flex-start" leftSection={<IconPower size={14} />} onClick={onVerifyBoot}>
              Verify by booting…
            </Button>
          )}
          <ActionButtons actions={backupActions} items={[backup]} column />
        </Stack>
      </Stack>
    </Paper>
  );
}

/** The restore points of one destination (?destination=<id>, as the dashboard links to them), with a way back to all. */
function useDestinationFilter() {
  const [params, setParams] = useSearchParams();
  const id = params.get('destination');
  const destinations = useQuery('destinations.list', id ? {} : null, { tables: ['destinations'] });
  const name = destinations.data?.items.find((d) => d.id === id)?.name ?? id;
  const pill = id && (
    <Pill size="md" data-testid="destination-filter">
      <Group gap={4} wrap="nowrap">
        in destination {name}
        <CloseButton size="xs" aria-label="Show every destination" onClick={() => setParams({}, { replace: true })} />
      </Group>
    </Pill>
  );
  return { input: id ? { destinationId: id } : {}, pill };
}

export function BackupsPage() {
  const destination = useDestinationFilter();
  const { data, error, loading, reload } = useQuery('backups.list', destination.input, { tables: ['backups'] });
  const [filter, setFilter] = useState('');
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  const [restoringDisk, setRestoringDisk] = useState<{ backup: BackupView; disk: string } | null>(null);
  const [booting, setBooting] = useState<BackupView | null>(null);
  const [overwriting, setOverwriting] = useState<BackupView | null>(null);
  const items = data?.items;
  // Looked up in the current list: a restore point protected a moment ago shows its new state.
  const selected = items?.find((b) => keyOf(b) === selectedKey) ?? null;

  if (items?.length === 0 && !error && !destination.pill) {
    return (
      <Stack>
        <PageHeader title="Backups" />
        <EmptyState icon={<IconArchive size={28} />} title="No restore points yet">
          Each finished backup of an instance appears here as a restore point; the volumes attached to the instance are backed up with it. Restore it,
          verify it, or protect it from pruning so that no keep rule removes it. Back up an instance from Inventory to create the first one.
        </EmptyState>
      </Stack>
    );
  }
  return (
    <Stack h="100%" gap="sm">
      <PageHeader title="Backups" search={{ value: filter, onChange: setFilter, placeholder: 'Search restore points', label: 'Search backups' }} />
      {destination.pill && <Group>{destination.pill}</Group>}
      {error && <ErrorAlert error={error} title="The restore points could not be listed" onRetry={reload} />}
      {/* Without a list, an empty table would only repeat the error as "no restore point". */}
      {(items || !error) && (
        <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
          <div style={{ flex: 3, minWidth: 0 }}>
            <DataTable<BackupView>
              testId="backups-table"
              rows={items ?? []}
              columns={backupColumns}
              getRowId={keyOf}
              filter={filter}
              selectedId={selectedKey}
              onRowClick={(b) => setSelectedKey(keyOf(b))}
              initialSort={[{ id: 'created', desc: true }]}
              emptyText={loading && !items ? 'Loading…' : 'No restore point matches.'}
            />
          </div>
          {selected && (
            <BackupDetail
              backup={selected}
              onRestore={() => setRestoring(selected)}
              onRestoreDisk={(disk) => setRestoringDisk({ backup: selected, disk })}
              onVerifyBoot={() => setBooting(selected)}
              onRestoreInPlace={() => setOverwriting(selected)}
            />
          )}
        </Group>
      )}
      <RestoreModal backup={restoring} onClose={() => setRestoring(null)} />
      <RestoreVolumeModal target={restoringDisk} onClose={() => setRestoringDisk(null)} />
      <VerifyBootModal backup={booting} onClose={() => setBooting(null)} />
      <RestoreInPlaceModal backup={overwriting} onClose={() => setOverwriting(null)} />
    </Stack>
  );
}
