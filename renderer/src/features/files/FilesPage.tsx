import { useMemo, useState, type KeyboardEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Checkbox, Divider, Drawer, Group, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDownload, IconFileSearch, IconFolderShare, IconServer } from '@tabler/icons-react';
import type { FileEntry, FilesTarget } from '../../../../shared/domain/files';
import { call } from '../../api/client';
import { asAppError, describeError } from '../../api/errors';
import { canDragOut, DragOut } from './DragOut';
import { useQuery } from '../../api/useQuery';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { downloadFiles } from './download';
import { fileColumns } from './file-columns';
import { FilePreview } from './FilePreview';
import { FileSearch } from './FileSearch';
import { FolderTree } from './FolderTree';
import { RestoreIntoInstance } from './RestoreIntoInstance';
import { RestoreToFolder } from './RestoreToFolder';
import { parentOf, PathBar } from './PathBar';
import { firstBrowsable, VolumePicker } from './VolumePicker';

/** The link to a restore point's file browser (from its detail in Backups, or an instance's timeline). */
export const filesLink = (b: { destinationId: string; id: string }) =>
  `/files?${new URLSearchParams({ destination: b.destinationId, backup: b.id })}`;

function targetOf(backupId: string, destinationId: string, volume: string): FilesTarget {
  const [disk, partition, lv] = volume.split(':');
  return { backupId, destinationId, disk: disk!, ...(partition ? { partition: Number(partition) } : {}), ...(lv ? { lv } : {}) };
}

/**
 * The files of a restore point, read from its destination without restoring it: disks →
 * partitions and logical volumes → a folder tree and the list of a folder (sortable, with a
 * preview of small text files), and the selection downloaded (console mode). Where it is lives in
 * the address (?volume=&path=), so Back and links work.
 */
export function FilesPage() {
  const [params] = useSearchParams();
  // without a restore point: search across all of them
  if (!params.get('backup')) return <SearchPage />;
  return <RestorePointFiles />;
}

function SearchPage() {
  return (
    <Stack h="100%" gap="sm">
      <PageHeader title="Files" />
      <Text size="sm" c="dimmed">
        Find a file in every restore point of every instance by its name or path, and open the restore point that holds the version you need. To browse one
        restore point, open it from Backups or from an instance's backup timeline.
      </Text>
      <FileSearch />
    </Stack>
  );
}

function RestorePointFiles() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const backupId = params.get('backup') ?? '';
  const destinationId = params.get('destination') ?? '';
  const backups = useQuery('backups.list', destinationId ? { destinationId } : null, { tables: ['backups'] });
  const backup = backups.data?.items.find((b) => b.id === backupId);
  const volumes = useQuery('files.volumes', backupId && destinationId ? { backupId, destinationId } : null, { tables: [] });
  const volume = params.get('volume') ?? (volumes.data ? firstBrowsable(volumes.data.disks) : null);
  const path = params.get('path') ?? '/';
  const target = useMemo(() => (volume ? targetOf(backupId, destinationId, volume) : null), [backupId, destinationId, volume]);
  const listing = useQuery('files.list', target ? { ...target, path } : null, { tables: [] });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [previewed, setPreviewed] = useState<FileEntry | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [restoring, setRestoring] = useState<string[] | null>(null);
  const [intoInstance, setIntoInstance] = useState<string[] | null>(null);
  const [searching, setSearching] = useState(false);
  const canDownload = useAppStore((s) => s.status?.runtime) === 'console';
  // Back and Forward change the folder without go(): the selection and a preview from elsewhere go with it
  const [shownPath, setShownPath] = useState(path);
  if (shownPath !== path) {
    setShownPath(path);
    setSelected(new Set());
    if (previewed && parentOf(previewed.path) !== path) setPreviewed(null);
  }
  const title = backup ? `Files of ${backup.resourceName}` : 'Files of a restore point';

  const here = listing.data;
  // the folder in the address, listed (not a previous one still shown while it loads, nor one that failed)
  const listed = here !== undefined && here.path === path && !listing.error;
  const entries = listed ? here.entries : [];
  // a search result opens its folder with the file previewed (?file=), once the folder is listed
  const fileParam = params.get('file');
  const [shownFile, setShownFile] = useState<string | null>(null);
  if (fileParam && listed && shownFile !== `${backupId}\n${fileParam}`) {
    setShownFile(`${backupId}\n${fileParam}`);
    const e = entries.find((x) => x.path === fileParam);
    if (e) setPreviewed(e);
  }

  const go = (next: { volume?: string; path?: string }) => {
    const p = new URLSearchParams(params);
    if (next.volume !== undefined) p.set('volume', next.volume);
    if (next.path !== undefined) p.set('path', next.path);
    p.delete('file');
    setSelected(new Set());
    setPreviewed(null);
    setParams(p);
  };
  // A typed path may name a file: its folder opens, with it previewed.
  const openTyped = async (p: string) => {
    const one = target ? await call('files.list', { ...target, path: p }).catch(() => null) : null;
    const file = one && one.entries.length === 1 && one.entries[0]!.path === one.path && one.entries[0]!.type !== 'dir' ? one.entries[0]! : null;
    go({ path: file ? parentOf(file.path) : (one?.path ?? p) });
    if (file) setPreviewed(file);
  };
  const open = (e: FileEntry) => (e.type === 'dir' ? go({ path: e.path }) : setPreviewed(e));

  const columns: Column<FileEntry>[] = [
    {
      id: 'select',
      header: '',
      getValue: () => null,
      render: (e) => (
        <Checkbox
          size="xs"
          tabIndex={-1}
          checked={selected.has(e.path)}
          onChange={() => setSelected((s) => (s.has(e.path) ? new Set([...s].filter((x) => x !== e.path)) : new Set([...s, e.path])))}
          onClick={(ev) => ev.stopPropagation()}
          aria-label={`Select ${e.name}`}
        />
      ),
      width: '36px',
    },
    ...fileColumns,
  ];

  const download = async (paths: string[]) => {
    if (!target) return;
    setDownloading(true);
    try {
      const name = await downloadFiles(target, paths);
      notifications.show({ title: `Downloading ${name}`, message: 'Your browser saves it as it is read from the destination.' });
    } catch (e) {
      notifications.show({ color: 'red', title: 'The download could not start', message: describeError(asAppError(e)) });
    } finally {
      setDownloading(false);
    }
  };

  // Backspace goes up, Space selects the focused row; Enter (DataTable) opens it.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = e.target as HTMLElement;
    if (el.closest('input, textarea')) return;
    if (e.key === 'Backspace' && path !== '/') {
      e.preventDefault();
      go({ path: parentOf(path) });
    } else if (e.key === ' ' && el.getAttribute('role') === 'row') {
      e.preventDefault();
      el.querySelector<HTMLInputElement>('input[type=checkbox]')?.click();
    }
  };

  const chosen = entries.filter((e) => selected.has(e.path));
  return (
    <Stack h="100%" gap="sm">
      <PageHeader title={title}>
        <Button variant="default" leftSection={<IconFileSearch size={14} />} onClick={() => setSearching(true)}>
          Search restore points…
        </Button>
        <Button variant="default" leftSection={<IconArrowLeft size={14} />} onClick={() => navigate(-1)}>
          Back
        </Button>
      </PageHeader>
      <Text size="sm" c="dimmed">
        {backup
          ? `${backup.kind} backup of ${new Date(backup.createdAt).toLocaleString()}, read from its destination: nothing is restored to browse it.`
          : backupId}
      </Text>
      {volumes.error && <ErrorAlert error={volumes.error} title="The disks of this restore point could not be read" onRetry={volumes.reload} />}
      {volumes.data && !volume && (
        <Text c="dimmed">No volume of this restore point holds a file system Backstack can read; each says why on the left.</Text>
      )}
      <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Paper withBorder p="xs" w={280} style={{ flexShrink: 0, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
          <ScrollArea style={{ flex: 1 }} type="auto">
            {volumes.loading && !volumes.data && <Text size="sm">Reading the partition tables…</Text>}
            {volumes.data && <VolumePicker disks={volumes.data.disks} selected={volume} onSelect={(v) => go({ volume: v, path: '/' })} />}
            {target && (
              <>
                <Divider my="xs" label="Folders" labelPosition="left" />
                <FolderTree key={`${backupId}\n${destinationId}\n${volume}`} target={target} path={path} onOpen={(p) => go({ path: p })} />
              </>
            )}
          </ScrollArea>
        </Paper>
        {target && (
          <Stack gap="xs" style={{ flex: 3, minWidth: 0 }} onKeyDown={onKeyDown}>
            <PathBar path={path} onOpen={(p) => go({ path: p })} onEnter={(p) => void openTyped(p)} />
            <Group gap="xs">
              <Button
                size="xs"
                variant="default"
                onClick={() => setSelected(new Set(chosen.length === entries.length ? [] : entries.map((e) => e.path)))}
                disabled={!entries.length}
              >
                {chosen.length === entries.length && entries.length > 0 ? 'Clear selection' : 'Select all'}
              </Button>
              {canDownload && (
                <>
                  <Button
                    size="xs"
                    leftSection={<IconDownload size={14} />}
                    disabled={!chosen.length}
                    loading={downloading}
                    onClick={() => void download(chosen.map((e) => e.path))}
                  >
                    {chosen.length > 1 ? `Download ${chosen.length} items` : 'Download'}
                  </Button>
                  {listed && (
                    <Button
                      size="xs"
                      variant="light"
                      leftSection={<IconDownload size={14} />}
                      onClick={() => void download([path])}
                      loading={downloading}
                    >
                      Download this folder
                    </Button>
                  )}
                </>
              )}
              {canDragOut() && <DragOut target={target} paths={chosen.length ? chosen.map((e) => e.path) : listed ? [path] : []} />}
              <Button
                size="xs"
                variant="default"
                leftSection={<IconFolderShare size={14} />}
                disabled={!listed}
                onClick={() => setRestoring(chosen.length ? chosen.map((e) => e.path) : [path])}
              >
                {chosen.length ? 'Restore to folder…' : 'Restore this folder to…'}
              </Button>
              <Button
                size="xs"
                variant="default"
                leftSection={<IconServer size={14} />}
                disabled={!listed}
                onClick={() => setIntoInstance(chosen.length ? chosen.map((e) => e.path) : [path])}
              >
                {chosen.length ? 'Restore into instance…' : 'Restore this folder into instance…'}
              </Button>
              <Text size="xs" c="dimmed">
                {listed && `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${chosen.length ? `, ${chosen.length} selected` : ''}`}
                {listed && canDownload && ' · a folder or several items download as a .tar archive'}
              </Text>
            </Group>
            {listing.error && <ErrorAlert error={listing.error} title={`${path} could not be listed`} onRetry={listing.reload} />}
            <div style={{ flex: 1, minHeight: 0 }}>
              <DataTable<FileEntry>
                testId="files-table"
                label={`Entries of ${path}`}
                storageKey="files-table"
                rows={entries}
                columns={columns}
                getRowId={(e) => e.path}
                selectedId={previewed?.path ?? null}
                onRowClick={open}
                initialSort={[{ id: 'name', desc: false }]}
                emptyText={listing.loading ? 'Reading the folder…' : listing.error ? 'Not listed.' : 'This folder is empty.'}
              />
            </div>
            {previewed && <FilePreview key={previewed.path} target={target} entry={previewed} onClose={() => setPreviewed(null)} />}
          </Stack>
        )}
      </Group>
      {target && <RestoreToFolder target={target} paths={restoring} onClose={() => setRestoring(null)} />}
      {target && (
        <RestoreIntoInstance
          target={target}
          paths={intoInstance}
          folder={path}
          own={backup?.resourceKind === 'instance' ? { providerId: backup.providerId, id: backup.resourceId } : null}
          onClose={() => setIntoInstance(null)}
        />
      )}
      <Drawer opened={searching} onClose={() => setSearching(false)} position="right" size="xl" title={backup ? `Files of ${backup.resourceName} over time` : 'Search files'}>
        {/* a result opens another restore point: the drawer closes as the page moves there */}
        <FileSearch {...(backup ? { instanceId: backup.resourceId, instanceName: backup.resourceName } : {})} onOpen={() => setSearching(false)} />
      </Drawer>
    </Stack>
  );
}
