import { useEffect, useRef, useState } from 'react';
import { Loader, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconFolder, IconFolderOpen } from '@tabler/icons-react';
import type { FileEntry, FilesTarget } from '../../../../shared/domain/files';
import { call } from '../../api/client';
import { asAppError } from '../../api/errors';

type Loaded = FileEntry[] | { error: string };

/** "/a/b/c" → ["/", "/a", "/a/b", "/a/b/c"] */
export const ancestors = (path: string): string[] => {
  const parts = path.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
};

/**
 * The folders of the file system as a tree, loaded as they are opened; the folders on the way to
 * the current one are opened with it. Symlinks to folders are not folders here: never followed.
 */
export function FolderTree(props: { target: FilesTarget; path: string; onOpen: (path: string) => void }) {
  const [loaded, setLoaded] = useState<Record<string, Loaded>>({});
  const [open, setOpen] = useState<Set<string>>(() => new Set(ancestors(props.path)));
  // Adjusted while rendering (not in an effect): the folders leading to a newly opened path open with it.
  const [seenPath, setSeenPath] = useState(props.path);
  if (seenPath !== props.path) {
    setSeenPath(props.path);
    const missing = ancestors(props.path).filter((p) => !open.has(p));
    if (missing.length) setOpen(new Set([...open, ...missing]));
  }
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const p of open) {
      if (requested.current.has(p)) continue;
      requested.current.add(p);
      void call('files.list', { ...props.target, path: p }).then(
        (r) => setLoaded((l) => ({ ...l, [p]: r.entries.filter((e) => e.type === 'dir').sort((a, b) => a.name.localeCompare(b.name)) })),
        (e: unknown) => setLoaded((l) => ({ ...l, [p]: { error: asAppError(e).message } })),
      );
    }
  }, [open, props.target]);
  const toggle = (p: string) => setOpen((o) => (o.has(p) ? new Set([...o].filter((x) => x !== p)) : new Set([...o, p])));

  const node = (p: string, name: string, depth: number) => {
    const isOpen = open.has(p);
    const kids = loaded[p];
    const Chevron = isOpen ? IconChevronDown : IconChevronRight;
    const Folder = isOpen ? IconFolderOpen : IconFolder;
    return (
      <div key={p} role="treeitem" aria-expanded={isOpen} aria-selected={p === props.path}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 2, paddingLeft: depth * 14 }}>
          <UnstyledButton onClick={() => toggle(p)} aria-label={`${isOpen ? 'Close' : 'Open'} ${name} in the tree`} style={{ display: 'flex' }}>
            <Chevron size={14} />
          </UnstyledButton>
          <UnstyledButton
            onClick={() => props.onOpen(p)}
            style={{ display: 'flex', alignItems: 'center', gap: 4, minWidth: 0, fontWeight: p === props.path ? 600 : undefined }}
            data-testid="tree-folder"
          >
            <Folder size={14} color="var(--mantine-color-yellow-7)" />
            <Text size="sm" truncate>
              {name}
            </Text>
          </UnstyledButton>
        </div>
        {isOpen && kids === undefined && <Loader size="xs" ml={depth * 14 + 20} />}
        {isOpen && kids && 'error' in kids && (
          <Text size="xs" c="red" pl={depth * 14 + 20}>
            {kids.error}
          </Text>
        )}
        {isOpen && Array.isArray(kids) && kids.map((k) => node(k.path, k.name, depth + 1))}
      </div>
    );
  };
  return (
    <Stack gap={0} role="tree" aria-label="Folders" data-testid="folder-tree" style={{ overflow: 'auto' }}>
      {node('/', '/', 0)}
    </Stack>
  );
}
