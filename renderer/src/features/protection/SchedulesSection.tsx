import { Button, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { browserTimeZone, newSchedule, type ScheduleDraft } from './editor-state';
import { EditorSection } from './EditorSection';
import type { SectionProps } from './GeneralSection';
import { ScheduleCard } from './ScheduleCard';

/** When the members are backed up: several schedules may mix kinds (incremental daily, full weekly). */
export function SchedulesSection({ draft, set, errors }: SectionProps) {
  const schedules = draft.schedules;
  const change = (i: number, patch: Partial<ScheduleDraft>) => set({ schedules: schedules.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  return (
    <EditorSection
      id="schedules"
      title="Schedules"
      description="When every member is backed up. Mix kinds with several schedules, e.g. incremental daily and full on Sundays; runs due at the same minute take one backup."
    >
      {schedules.length === 0 && (
        <Text size="sm" c="dimmed">
          No schedule: the policy runs only when you press Run now.
        </Text>
      )}
      <Stack gap="sm">
        {schedules.map((s, i) => (
          <ScheduleCard
            key={s.id}
            schedule={s}
            index={i}
            errors={errors}
            onChange={(patch) => change(i, patch)}
            onRemove={() => set({ schedules: schedules.filter((_, j) => j !== i) })}
          />
        ))}
      </Stack>
      <Button
        variant="light"
        leftSection={<IconPlus size={16} />}
        style={{ alignSelf: 'flex-start' }}
        disabled={schedules.length >= 20}
        onClick={() =>
          set({
            schedules: [
              ...schedules,
              newSchedule(
                schedules.map((s) => s.id),
                browserTimeZone(),
              ),
            ],
          })
        }
      >
        Add a schedule
      </Button>
    </EditorSection>
  );
}
