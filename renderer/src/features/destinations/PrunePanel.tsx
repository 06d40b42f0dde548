import { useState } from 'react';
import { Badge, Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import type { KeepRules, PrunePreview } from '../../../../shared/domain/destinations';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { ActionButtons } from '../../components/ActionButtons';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';

const RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

type Decision = PrunePreview['groups'][number]['decisions'][number] & { group: string };

const decisionColumns: Column<Decision>[] = [
  {
    id: 'keep',
    header: 'Decision',
    getValue: (d) => (d.keep ? 'keep' : 'remove'),
    render: (d) => (
      <Badge color={d.keep ? 'green' : 'red'} variant="light">
        {d.keep ? 'keep' : 'remove'}
      </Badge>
    ),
    width: '110px',
  },
  { id: 'group', header: 'Of', getValue: (d) => d.group, width: 'minmax(120px, 1fr)' },
  { id: 'time', header: 'Taken', getValue: (d) => d.time, render: (d) => new Date(d.time).toLocaleString(), width: '200px' },
  { id: 'reasons', header: 'Why', getValue: (d) => d.reasons.join('; '), width: 'minmax(200px, 2fr)' },
];

interface PruneRequest {
  destinationId: string;
  keep: KeepRules;
  removed: number;
}

const prune: Action<PruneRequest> = {
  id: 'prune',
  label: 'Prune',
  danger: true,
  isAllowed: (p) => p.removed > 0,
  confirm: ([p]) => ({
    title: `Remove ${p!.removed} restore point${p!.removed === 1 ? '' : 's'}?`,
    message: 'The restore points the preview marks "remove" are deleted from the destination; protected ones are kept. This cannot be undone.',
    confirmLabel: 'Prune',
  }),
  run: async ([p]) =>
    `${followJob(await call('destinations.startPrune', { id: p!.destinationId, keep: p!.keep }))} Then collect garbage to free the space.`,
  done: () => 'Prune started',
};

/** Keep rules with a dry run first: every restore point listed with why it is kept or removed. */
export function PrunePanel({ destinationId }: { destinationId: string }) {
  const [keep, setKeep] = useState<KeepRules>({ last: 3, daily: 7, weekly: 4, monthly: 6 });
  // The rules previewed; the preview follows the restore points as they change (a prune, a protection).
  const [previewed, setPreviewed] = useState<KeepRules | null>(null);
  const {
    data: preview,
    error,
    reload,
  } = useQuery('destinations.previewPrune', previewed ? { id: destinationId, keep: previewed } : null, {
    tables: ['backups'],
  });
  const decisions = (preview?.groups ?? []).flatMap((g) => g.decisions.map((d) => ({ ...d, group: g.group })));
  return (
    <Stack gap="xs">
      <Group align="end" gap="xs">
        {RULES.map((r) => (
          <NumberInput
            key={r}
            label={`Keep ${r}`}
            w={110}
            min={0}
            value={keep[r] ?? ''}
            onChange={(v) => {
              setPreviewed(null);
              setKeep({ ...keep, [r]: typeof v === 'number' ? v : undefined });
            }}
          />
        ))}
        <Button variant="light" size="sm" onClick={() => (previewed ? reload() : setPreviewed(keep))}>
          Preview
        </Button>
        {preview && previewed && (
          <ActionButtons actions={[prune]} items={[{ destinationId, keep: previewed, removed: preview.removed.length }]} size="sm" />
        )}
      </Group>
      {error && <ErrorAlert error={error} title="The prune could not be previewed" onRetry={reload} />}
      {preview && previewed && (
        <Stack gap={4} data-testid="prune-preview">
          <Text size="sm">
            {preview.kept.length} kept, {preview.removed.length} would be removed.
          </Text>
          <DataTable
            rows={decisions}
            columns={decisionColumns}
            getRowId={(d) => d.id}
            height="auto"
            maxHeight={260}
            initialSort={[{ id: 'time', desc: true }]}
          />
        </Stack>
      )}
    </Stack>
  );
}
