import { Code, Group, Input, NumberInput, Select, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { useQuery } from '../../api/useQuery';
import type { SnapshotHook } from '../../../../shared/domain/backups';
import { STRATEGY_WORDS, type OfferedStrategy } from '../../../../shared/domain/providers';
import { Choice } from '../../components/Choice';
import { EditorSection } from './EditorSection';
import type { SectionProps } from './GeneralSection';

const MISSED = [
  { value: 'run-once', label: 'Run once' },
  { value: 'skip', label: 'Skip' },
] as const;

const hookText = (h: SnapshotHook) => `${h.argv.join(' ')} (on the ${h.where}, ${h.timeoutSeconds} s${h.continueOnError ? ', failure ignored' : ''})`;

/** What happens to runs missed while no scheduler ran, what each backup leaves out, how often a member is booted to prove it restores, and where its restore points are copied. */
export function OptionsSection({ draft, set, errors }: SectionProps) {
  const { preSnapshot, postSnapshot } = draft.kept;
  return (
    <EditorSection id="options" title="Runs, disks, boot checks and copies" description="Missed runs, the disks every backup of this policy leaves out, how often its restore points are proven to boot, and where they are copied.">
      <Stack gap={4}>
        <Input.Label>Missed runs</Input.Label>
        <Choice value={draft.missedRuns} onChange={(missedRuns) => set({ missedRuns })} options={MISSED} />
        <Text size="xs" c="dimmed">
          {draft.missedRuns === 'run-once'
            ? 'Runs missed while no scheduler ran (machine asleep, app closed) are made up by one run when the scheduler starts.'
            : 'Runs missed while no scheduler ran are skipped, and each skip is recorded; the next run is on time.'}
        </Text>
      </Stack>
      <TagsInput
        label="Disks to leave out"
        description="Device names as the instance sees them (vdb, sdc), left out of every backup of every member; press Enter after each"
        placeholder="vdb"
        value={draft.excludeDisks}
        onChange={(excludeDisks) => set({ excludeDisks })}
        error={errors.excludeDisks}
      />
      <VerifyEvery draft={draft} set={set} errors={errors} />
      <StrategyChoice draft={draft} set={set} errors={errors} />
      <CopyTo draft={draft} set={set} errors={errors} />
      {(preSnapshot || postSnapshot) && (
        <Text size="sm" c="dimmed" data-testid="snapshot-commands">
          Snapshot commands (kept as saved):{' '}
          {preSnapshot && (
            <>
              before <Code>{hookText(preSnapshot)}</Code>{' '}
            </>
          )}
          {postSnapshot && (
            <>
              after <Code>{hookText(postSnapshot)}</Code>
            </>
          )}
        </Text>
      )}
    </EditorSection>
  );
}

/** How the policy's backups read disks: the cloud's strategy, or one for every member. */
function StrategyChoice({ draft, set, errors }: SectionProps) {
  return (
    <Select
      label="How its backups read disks"
      description="Each cloud's setting, or one strategy for every member of this policy"
      data={[{ value: '', label: "Each cloud's strategy" }, ...(Object.keys(STRATEGY_WORDS) as OfferedStrategy[]).map((k) => ({ value: k, label: STRATEGY_WORDS[k] }))]}
      value={draft.strategy ?? ''}
      onChange={(v) => set({ strategy: v ? (v as OfferedStrategy) : null })}
      allowDeselect={false}
      error={errors.strategy}
      w={420}
    />
  );
}

/** Offsite copies: each new restore point copied to a target (Destinations page, Offsite copies) after its backup. */
function CopyTo({ draft, set, errors }: SectionProps) {
  const { data } = useQuery('copies.listTargets', {}, { tables: ['settings'] });
  const targets = data?.items ?? [];
  if (!targets.length && draft.copyTo === null) return null;
  return (
    <Select
      label="Copy each restore point to"
      description="After each backup of a member, its new restore point is copied to this target (only the chunks it lacks) as a job of its own"
      data={[{ value: '', label: 'No copy' }, ...targets.map((t) => ({ value: t.id, label: `${t.name} (${t.bucket}${t.lock ? `, locked ${t.lock.days} d` : ''})` }))]}
      value={draft.copyTo ?? ''}
      onChange={(v) => set({ copyTo: v ? v : null })}
      allowDeselect={false}
      error={errors.copyTo}
      w={420}
    />
  );
}

function VerifyEvery({ draft, set, errors }: SectionProps) {
  const on = draft.verifyEveryDays !== null;
  return (
    <Stack gap={4}>
      <Group gap="md" align="flex-end">
        <Switch label="Verify by booting" checked={on} onChange={(e) => set({ verifyEveryDays: e.currentTarget.checked ? 7 : null })} />
        {on && (
          <NumberInput
            label="At least every"
            suffix=" days"
            min={1}
            max={365}
            w={140}
            value={draft.verifyEveryDays ?? 7}
            onChange={(v) => set({ verifyEveryDays: typeof v === 'number' ? v : 7 })}
            error={errors.verifyEveryDays}
          />
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {on
          ? "After a backup, a member not boot-checked for this long has its new restore point restored into its cloud's sandbox project (chosen at the first Verify by booting of a restore point of that cloud), booted, its console read, and everything removed; the result shows on its timeline."
          : 'Restore points are only boot-checked when someone asks (Verify by booting on a restore point).'}
      </Text>
    </Stack>
  );
}
