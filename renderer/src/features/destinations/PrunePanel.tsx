import { useState } from 'react';
import { ActionIcon, Badge, Button, CopyButton, Group, NumberInput, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { BackupSubject, KeepRules, PrunePreview } from '../../../../shared/domain/destinations';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { ActionButtons } from '../../components/ActionButtons';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';

const RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

type Decision = PrunePreview['groups'][number]['decisions'][number] & { subject: BackupSubject };

/** Its name (ids on hover), and a button that copies its id. */
function Named({ name, kind, id }: { name: string; kind: string; id: string | null }) {
  if (!id) return <>-</>;
  return (
    <Group gap={4} wrap="nowrap" title={`${kind} id ${id}`}>
      <Text span size="sm" truncate>
        {name}
      </Text>
      <CopyButton value={id}>
        {({ copied, copy }) => (
          <ActionIcon size="xs" variant="subtle" color={copied ? 'green' : 'gray'} onClick={copy} aria-label={`Copy the ${kind} id of ${name}`}>
            {copied ? <IconCheck size={12} /> : <IconCopy size={12} />}
          </ActionIcon>
        )}
      </CopyButton>
    </Group>
  );
}

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
  // Names, as people know them; ids are searchable, shown on hover and copied by the button.
  {
    id: 'of',
    header: 'Of',
    getValue: (d) => `${d.subject.kind} ${d.subject.name} ${d.subject.id}`,
    render: (d) => (
      <Named name={d.subject.kind === 'instance' ? d.subject.name : `${d.subject.kind} ${d.subject.name}`} kind={d.subject.kind} id={d.subject.id} />
    ),
    width: 'minmax(160px, 1.5fr)',
  },
  {
    id: 'cloud',
    header: 'Cloud',
    getValue: (d) => `${d.subject.cloud ?? ''} ${d.subject.cloudId ?? ''}`,
    render: (d) => <Named name={d.subject.cloud ?? 'unknown cloud'} kind="cloud" id={d.subject.cloudId} />,
    width: 'minmax(140px, 1fr)',
  },
  {
    id: 'project',
    header: 'Project',
    getValue: (d) => `${d.subject.project ?? ''} ${d.subject.projectId ?? ''}`,
    render: (d) => <Named name={d.subject.project ?? d.subject.projectId ?? '-'} kind="project" id={d.subject.projectId} />,
    width: 'minmax(120px, 1fr)',
  },
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
  const decisions = (preview?.groups ?? []).flatMap((g) => g.decisions.map((d) => ({ ...d, subject: g.subject })));
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
