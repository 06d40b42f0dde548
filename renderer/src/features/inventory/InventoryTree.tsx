import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { Loader, Text } from '@mantine/core';
import { IconBuilding, IconChevronRight, IconCloud, IconFolder, IconStack2 } from '@tabler/icons-react';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { plural } from '../../../../shared/format';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { moveIndex } from '../../components/roving';
import { useAppStore } from '../../stores/app.store';
import { useInventoryStore, type TreeNode } from '../../stores/inventory.store';
import classes from './InventoryTree.module.css';

type Child = OutputOf<'inventory.listChildren'>['items'][number];
const ICON = { provider: IconCloud, domain: IconBuilding, project: IconFolder } as const;
const ALL = 'all';
const keyOf = (n: TreeNode) => `${n.kind}:${n.providerId}:${n.id}`;

/** The one item of the tree that Tab reaches (WAI-ARIA roving tabindex). */
interface RovingState {
  focusKey: string;
  setFocusKey: (key: string) => void;
  /** the current holder, for an item that unmounts (its branch closed, a cloud removed) */
  holds: (key: string) => boolean;
}
const Roving = createContext<RovingState>({ focusKey: ALL, setFocusKey: () => undefined, holds: () => false });

const focusItem = (el: Element | null | undefined) => {
  if (el instanceof HTMLElement) el.focus();
};

interface ItemProps {
  itemKey: string;
  label: string;
  description?: string | undefined;
  icon: ReactNode;
  level: number;
  selected: boolean;
  onSelect: () => void;
  /** undefined for an item without children (a project, "All clouds") */
  expanded?: boolean | undefined;
  onExpand?: (open: boolean) => void;
  testId: string;
  children?: ReactNode;
}

/**
 * One treeitem with the WAI-ARIA tree keys: Up/Down/Home/End move through the shown items,
 * Right opens or enters, Left closes or goes to the parent, Enter/Space select. A click selects
 * and opens or closes.
 */
function Item(p: ItemProps) {
  const { focusKey, setFocusKey, holds } = useContext(Roving);
  const labelId = useId();
  // An item that goes away with the tab stop hands it to "All clouds", so Tab still reaches the tree.
  useEffect(() => () => void (holds(p.itemKey) && setFocusKey(ALL)), [p.itemKey, holds, setFocusKey]);
  const expandable = p.expanded !== undefined;
  const moveTo = (el: Element | null | undefined) => {
    if (!(el instanceof HTMLElement)) return;
    setFocusKey(el.dataset.key ?? ALL);
    focusItem(el);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget) return; // a nested item handles its own keys
    const li = e.currentTarget;
    let handled = true;
    if (e.key === 'Enter' || e.key === ' ') p.onSelect();
    else if (e.key === 'ArrowRight') {
      if (expandable && !p.expanded) p.onExpand?.(true);
      else if (p.expanded) moveTo(li.querySelector(':scope > [role="group"] > [role="treeitem"]'));
    } else if (e.key === 'ArrowLeft') {
      if (p.expanded) p.onExpand?.(false);
      else moveTo(li.parentElement?.closest('[role="treeitem"]'));
    } else {
      const items = [...(li.closest('[role="tree"]')?.querySelectorAll('[role="treeitem"]') ?? [])];
      const next = moveIndex(e.key, items.indexOf(li), items.length);
      if (next === null) handled = false;
      else moveTo(items[next]);
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  return (
    <li
      role="treeitem"
      aria-labelledby={labelId}
      aria-selected={p.selected}
      aria-expanded={p.expanded}
      aria-level={p.level}
      tabIndex={focusKey === p.itemKey ? 0 : -1}
      data-key={p.itemKey}
      className={classes.item}
      onKeyDown={onKeyDown}
      onFocus={(e) => e.target === e.currentTarget && focusKey !== p.itemKey && setFocusKey(p.itemKey)}
    >
      <div
        className={classes.label}
        data-selected={p.selected || undefined}
        style={{ paddingLeft: 6 + (p.level - 1) * 14 }}
        data-testid={p.testId}
        title={p.label}
        onClick={() => {
          p.onSelect();
          if (expandable) p.onExpand?.(!p.expanded);
        }}
      >
        <span className={classes.chevron} data-open={p.expanded || undefined}>
          {expandable && <IconChevronRight size={14} />}
        </span>
        {p.icon}
        <span className={classes.text}>
          <span id={labelId} className={classes.name}>
            {p.label}
          </span>
          {p.description && <span className={classes.description}>{p.description}</span>}
        </span>
      </div>
      {p.expanded && (
        <ul role="group" className={classes.group}>
          {p.children}
        </ul>
      )}
    </li>
  );
}

/** A note in place of children (loading, empty, an error): not an item, skipped by the arrow keys. */
const Note = ({ children }: { children: ReactNode }) => <li role="none">{children}</li>;

/** One node; its children load the first time it opens (lazily, one level at a time) and refresh after a sync. */
function Node({ node, level, count }: { node: TreeNode; level: number; count?: number | null }) {
  const [opened, setOpened] = useState(false);
  const scope = useInventoryStore((s) => s.scope);
  const setScope = useInventoryStore((s) => s.setScope);
  const Icon = ICON[node.kind];
  const leaf = node.kind === 'project';
  const parent = node.kind === 'provider' ? { kind: 'provider' as const } : { kind: 'domain' as const, id: node.id };
  const { data, error, reload } = useQuery('inventory.listChildren', opened && !leaf ? { providerId: node.providerId, parent } : null, {
    tables: ['inventory'],
  });
  const children: Child[] | null = data?.items ?? null;
  const selected = scope?.providerId === node.providerId && scope.kind === node.kind && scope.id === node.id;
  return (
    <Item
      itemKey={keyOf(node)}
      label={node.name}
      description={count !== undefined && count !== null ? plural(count, node.kind === 'domain' ? 'project' : 'instance') : undefined}
      icon={<Icon size={16} className={classes.icon} />}
      level={level}
      selected={selected}
      onSelect={() => setScope(node)}
      expanded={leaf ? undefined : opened}
      onExpand={setOpened}
      testId={`tree-${node.kind}-${node.name}`}
    >
      {error && !children ? (
        <Note>
          <ErrorAlert error={error} title="Not listed" onRetry={reload} compact />
        </Note>
      ) : children === null ? (
        <Note>
          <Loader size="xs" m="xs" aria-label="Loading" />
        </Note>
      ) : children.length === 0 ? (
        <Note>
          <Text c="dimmed" size="xs" p="xs">
            Nothing here. Sync the cloud to refresh.
          </Text>
        </Note>
      ) : (
        children.map((c) => (
          <Node
            key={c.id}
            node={{ kind: c.kind === 'domain' ? 'domain' : 'project', providerId: node.providerId, id: c.id, name: c.name }}
            level={level + 1}
            count={c.count}
          />
        ))
      )}
    </Item>
  );
}

/** Clouds → domains → projects, scoping the instance table: a WAI-ARIA tree with one tab stop. */
export function InventoryTree() {
  const providers = useAppStore((s) => s.providers);
  const scope = useInventoryStore((s) => s.scope);
  const setScope = useInventoryStore((s) => s.setScope);
  // Starts on "All clouds": the selected node may sit in a branch that is closed now.
  const [focusKey, setFocusKey] = useState(ALL);
  const holder = useRef(focusKey);
  useLayoutEffect(() => {
    holder.current = focusKey;
  }, [focusKey]);
  const holds = useCallback((key: string) => holder.current === key, []);
  const roving = useMemo(() => ({ focusKey, setFocusKey, holds }), [focusKey, holds]);
  return (
    <Roving.Provider value={roving}>
      <ul role="tree" aria-label="Inventory tree" className={classes.tree}>
        <Item
          itemKey={ALL}
          label="All clouds"
          icon={<IconStack2 size={16} className={classes.icon} />}
          level={1}
          selected={scope === null}
          onSelect={() => setScope(null)}
          testId="tree-all"
        />
        {providers.map((p) => (
          <Node key={p.id} node={{ kind: 'provider', providerId: p.id, id: p.id, name: p.name }} level={1} />
        ))}
      </ul>
    </Roving.Provider>
  );
}
