import { Group, NumberInput, SimpleGrid, Stack, Text } from '@mantine/core';
import type { KeepRules } from '../../../../shared/domain/destinations';
import { retentionInWords } from '../../../../shared/domain/policy-words';
import { EditorSection } from './EditorSection';
import type { SectionProps } from './GeneralSection';
import { RetentionSimulator } from './RetentionSimulator';

const RULES: { key: keyof KeepRules; label: string }[] = [
  { key: 'last', label: 'Keep last' },
  { key: 'hourly', label: 'Keep hourly' },
  { key: 'daily', label: 'Keep daily' },
  { key: 'weekly', label: 'Keep weekly' },
  { key: 'monthly', label: 'Keep monthly' },
  { key: 'yearly', label: 'Keep yearly' },
];

/** How long restore points are kept: applied after every backup the policy makes, and simulated here first. */
export function RetentionSection({ draft, set, errors }: SectionProps) {
  const keep = (key: keyof KeepRules, v: string | number) => set({ retention: { ...draft.retention, [key]: typeof v === 'number' ? v : undefined } });
  return (
    <EditorSection
      id="retention"
      title="Retention"
      description={`After each backup of a member, its older restore points that no rule keeps are removed (those protected by hand always stay). Keeps: ${retentionInWords(draft.retention)}.`}
    >
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="xs">
          <Group gap="xs" align="start">
            {RULES.map((r) => (
              <NumberInput
                key={r.key}
                label={r.label}

                w={150}
                min={0}
                max={10_000}
                value={draft.retention[r.key] ?? ''}
                onChange={(v) => keep(r.key, v)}
              />
            ))}
          </Group>
          <Text size="xs" c="dimmed">
            Keep last: the newest N restore points. Keep daily (hourly, weekly …): the newest restore point of each of the last N days (hours, weeks
            …) that have one. Empty or 0: no such rule.
          </Text>
          {errors.retention && (
            <Text size="sm" c="red" role="alert">
              {errors.retention}
            </Text>
          )}
        </Stack>
        <RetentionSimulator draft={draft} scheduleErrors={Object.keys(errors).some((k) => k.startsWith('schedules.'))} />
      </SimpleGrid>
    </EditorSection>
  );
}
