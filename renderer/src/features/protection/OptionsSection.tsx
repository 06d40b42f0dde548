import { Code, Input, Stack, TagsInput, Text } from '@mantine/core';
import type { SnapshotHook } from '../../../../shared/domain/backups';
import { Choice } from '../../components/Choice';
import { EditorSection } from './EditorSection';
import type { SectionProps } from './GeneralSection';

const MISSED = [
  { value: 'run-once', label: 'Run once' },
  { value: 'skip', label: 'Skip' },
] as const;

const hookText = (h: SnapshotHook) => `${h.argv.join(' ')} (on the ${h.where}, ${h.timeoutSeconds} s${h.continueOnError ? ', failure ignored' : ''})`;

/** What happens to runs missed while no scheduler ran, and what each backup leaves out. */
export function OptionsSection({ draft, set, errors }: SectionProps) {
  const { preSnapshot, postSnapshot } = draft.kept;
  return (
    <EditorSection id="options" title="Runs and disks" description="Missed runs, and the disks every backup of this policy leaves out.">
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
