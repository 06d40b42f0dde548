import { useState } from 'react';
import { Loader, NavLink, Text } from '@mantine/core';
import { IconBuilding, IconCloud, IconFolder } from '@tabler/icons-react';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/app.store';
import { useInventoryStore, type TreeNode } from '../../stores/inventory.store';

type Child = OutputOf<'inventory.listChildren'>['items'][number];
const ICON = { provider: IconCloud, domain: IconBuilding, project: IconFolder } as const;

/** One node; its children load the first time it opens (lazily, one level at a time) and refresh after a sync. */
function Node({ node, count }: { node: TreeNode; count?: number | null }) {
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
  const toggle = () => {
    setScope(node);
    if (!leaf) setOpened(!opened);
  };
  const active = scope?.providerId === node.providerId && scope.kind === node.kind && scope.id === node.id;
  return (
    <NavLink
      label={node.name}
      description={count !== undefined && count !== null ? `${count} ${node.kind === 'domain' ? 'projects' : 'instances'}` : undefined}
      leftSection={<Icon size={16} />}
      active={active}
      opened={opened}
      onClick={toggle}
      childrenOffset={14}
      data-testid={`tree-${node.kind}-${node.name}`}
      aria-expanded={leaf ? undefined : opened}
    >
      {leaf
        ? undefined
        : opened &&
          (error && !children ? (
            <ErrorAlert error={error} title="Not listed" onRetry={reload} compact />
          ) : children === null ? (
            <Loader size="xs" m="xs" />
          ) : children.length === 0 ? (
            <Text c="dimmed" size="xs" p="xs">
              Nothing here. Sync the cloud to refresh.
            </Text>
          ) : (
            children.map((c) => (
              <Node
                key={c.id}
                node={{ kind: c.kind === 'domain' ? 'domain' : 'project', providerId: node.providerId, id: c.id, name: c.name }}
                count={c.count}
              />
            ))
          ))}
    </NavLink>
  );
}

export function InventoryTree() {
  const providers = useAppStore((s) => s.providers);
  const scope = useInventoryStore((s) => s.scope);
  const setScope = useInventoryStore((s) => s.setScope);
  return (
    <nav aria-label="Inventory tree">
      <NavLink label="All clouds" active={scope === null} onClick={() => setScope(null)} data-testid="tree-all" />
      {providers.map((p) => (
        <Node key={p.id} node={{ kind: 'provider', providerId: p.id, id: p.id, name: p.name }} />
      ))}
    </nav>
  );
}
