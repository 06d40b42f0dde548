import { useState } from 'react';
import { Stack, Text } from '@mantine/core';
import { plural } from '../../../../shared/format';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useInventoryStore } from '../../stores/inventory.store';
import { volumeColumns } from './volume-columns';
import type { VolumeRow } from './volume-rows';
import { VolumeDetail } from './VolumeDetail';
import { useVolumes } from './useVolumes';

const keyOf = (v: VolumeRow) => `${v.providerId}/${v.id}`;

/** The Cinder volumes under the tree's selected node, attached or not, with their own last backup; a row opens its detail. */
export function VolumesView({ filter }: { filter: string }) {
  const { rows, error, loading, reload } = useVolumes();
  const scope = useInventoryStore((s) => s.scope);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  // looked up in the current rows: a backup that just ended shows in the detail's row at once
  const selected = rows?.find((v) => keyOf(v) === selectedKey) ?? null;
  return (
    <Stack style={{ flex: 1, minWidth: 0 }} gap={4}>
      {error && <ErrorAlert error={error} title="The volumes could not be listed" onRetry={reload} />}
      <Text size="sm" c="dimmed" data-testid="volume-count">
        {plural(rows?.length ?? 0, 'volume')}
        {scope ? ` in ${scope.kind} ${scope.name}` : ''}
      </Text>
      <div style={{ flex: 1, minHeight: 0 }}>
        <DataTable<VolumeRow>
          testId="volumes-table"
          label="Volumes"
          rows={rows ?? []}
          columns={volumeColumns}
          getRowId={keyOf}
          filter={filter}
          onRowClick={(v) => setSelectedKey(keyOf(v))}
          selectedId={selectedKey}
          initialSort={[{ id: 'name', desc: false }]}
          emptyText={
            error && !rows
              ? 'Not listed: see the error above.'
              : loading && !rows
                ? 'Loading…'
                : rows?.length
                  ? 'No volume matches.'
                  : 'No volume here: sync the cloud to refresh.'
          }
        />
      </div>
      <VolumeDetail volume={selected} onClose={() => setSelectedKey(null)} />
    </Stack>
  );
}
