import { useState } from 'react';
import { ActionIcon, Anchor, Breadcrumbs, Group, TextInput, Tooltip } from '@mantine/core';
import { IconArrowUp, IconCornerDownLeft } from '@tabler/icons-react';
import { ancestors } from './FolderTree';

export const parentOf = (p: string): string => p.slice(0, p.lastIndexOf('/')) || '/';

/** Where the list is: breadcrumbs to each folder above it, an Up button, and the path to edit and go to (Enter). */
export function PathBar(props: { path: string; onOpen: (path: string) => void; onEnter: (typed: string) => void }) {
  const [draft, setDraft] = useState(props.path);
  // the field follows navigation; what is typed stays until Enter or the next navigation
  const [shown, setShown] = useState(props.path);
  if (shown !== props.path) {
    setShown(props.path);
    setDraft(props.path);
  }
  const go = () => props.onEnter(draft.trim() === '' ? '/' : draft.trim().startsWith('/') ? draft.trim() : `/${draft.trim()}`);
  const steps = ancestors(props.path);
  return (
    <Group gap="xs" wrap="nowrap">
      <Tooltip label="Up (Backspace)">
        <ActionIcon
          variant="default"
          size="lg"
          aria-label="Up to the parent folder"
          disabled={props.path === '/'}
          onClick={() => props.onOpen(parentOf(props.path))}
        >
          <IconArrowUp size={16} />
        </ActionIcon>
      </Tooltip>
      <Breadcrumbs separatorMargin={4} style={{ flexShrink: 1, minWidth: 0, overflow: 'hidden' }} data-testid="breadcrumbs">
        {steps.map((p) => (
          <Anchor key={p} component="button" type="button" size="sm" onClick={() => props.onOpen(p)} fw={p === props.path ? 600 : undefined}>
            {p === '/' ? 'root' : p.slice(p.lastIndexOf('/') + 1)}
          </Anchor>
        ))}
      </Breadcrumbs>
      <TextInput
        aria-label="Path"
        value={draft}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') go();
          if (e.key === 'Escape') setDraft(props.path);
        }}
        style={{ flex: 1, minWidth: 200 }}
        ff="monospace"
        rightSection={
          <ActionIcon variant="subtle" aria-label="Go to this path" onClick={go}>
            <IconCornerDownLeft size={14} />
          </ActionIcon>
        }
      />
    </Group>
  );
}
