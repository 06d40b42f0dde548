import { Button, Paper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDragDrop } from '@tabler/icons-react';
import { useState } from 'react';
import type { FileDragPrepared, FilesTarget } from '../../../../shared/domain/files';
import { formatBytes } from '../../../../shared/format';
import { call } from '../../api/client';
import { asAppError, describeError } from '../../api/errors';

/** The desktop app's drag to restore exists where the preload offers a drag (not in console mode). */
export const canDragOut = (): boolean => typeof window !== 'undefined' && typeof window.api?.startDrag === 'function';

/**
 * Drag to restore: "Drag out…" copies the selection out of the restore point (the operating
 * system drags files that exist), then a handle appears that the admin drags onto the desktop or
 * a file manager, which copies the files where they are dropped. A new selection starts over.
 */
export function DragOut({ target, paths }: { target: FilesTarget; paths: string[] }) {
  const [busy, setBusy] = useState(false);
  const [ready, setReady] = useState<{ key: string; prepared: FileDragPrepared } | null>(null);
  const key = `${JSON.stringify(target)}\n${paths.join('\n')}`;
  const prepared = ready?.key === key ? ready.prepared : null;
  const prepare = async () => {
    setBusy(true);
    try {
      const p = await call('files.prepareDrag', { ...target, paths });
      setReady({ key, prepared: p });
      if (p.skipped.length) notifications.show({ color: 'yellow', title: `${p.skipped.length} left out`, message: p.skipped.slice(0, 5).join('\n') });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Cannot drag this selection', message: describeError(asAppError(e)) });
    } finally {
      setBusy(false);
    }
  };
  if (!prepared)
    return (
      <Button size="xs" variant="default" leftSection={<IconDragDrop size={14} />} disabled={!paths.length} loading={busy} onClick={() => void prepare()}>
        Drag out…
      </Button>
    );
  return (
    <Paper
      withBorder
      px="xs"
      py={4}
      draggable
      data-testid="drag-handle"
      style={{ cursor: 'grab' }}
      onDragStart={(e) => {
        e.preventDefault();
        window.api?.startDrag?.(prepared.token);
      }}
    >
      <Text size="xs" fw={500}>
        <IconDragDrop size={12} /> Drag {prepared.items === 1 ? 'this item' : `these ${prepared.items} items`} ({formatBytes(prepared.bytes)}) to a folder
      </Text>
    </Paper>
  );
}
