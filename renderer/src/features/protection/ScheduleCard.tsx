import { useMemo } from 'react';
import { ActionIcon, Alert, Checkbox, Group, Input, NumberInput, Paper, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { describeSchedule, nextRunsOf, type ScheduleForm } from '../../../../shared/domain/schedule-forms';
import { Choice } from '../../components/Choice';
import { scheduleOf, type BackupType, type FieldErrors, type ScheduleDraft, type ScheduleFormName } from './editor-state';

const FORMS: { value: ScheduleFormName; label: string }[] = [
  { value: 'hourly', label: 'Every few hours' },
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'On chosen weekdays' },
  { value: 'monthly', label: 'Monthly' },
  { value: 'cron', label: 'Cron expression (experts)' },
];
const TYPES = [
  { value: 'auto', label: 'Auto' },
  { value: 'incremental', label: 'Incremental' },
  { value: 'full', label: 'Full' },
] as const satisfies readonly { value: BackupType; label: string }[];
const TYPE_WORDS: Record<BackupType, string> = {
  auto: 'Incremental when the snapshot kept by the last backup is usable, else full.',
  incremental: 'Incremental; full when there is nothing to build on yet.',
  full: 'Every disk read whole (deduplication still stores only new data).',
};
// Monday first, as a week reads; cron numbers Sunday 0.
const WEEK = [1, 2, 3, 4, 5, 6, 0].map((d) => ({ day: d, label: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d]! }));
const MONTH_DAYS = [
  ...Array.from({ length: 28 }, (_, i) => ({ value: String(i + 1), label: `day ${i + 1}` })),
  { value: 'last', label: 'the last day' },
];

function zones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...all])];
}

/** The next runs in the schedule's own zone: "Mon, 12 May, 02:30". */
function NextRuns({ schedule }: { schedule: ScheduleDraft }) {
  const runs = useMemo(() => nextRunsOf(scheduleOf(schedule) as ScheduleForm & { timeZone: string }, new Date(), 3), [schedule]);
  const fmt = new Intl.DateTimeFormat(undefined, {
    timeZone: schedule.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (
    <Text size="sm" data-testid="next-runs">
      <Text span c="dimmed" size="sm">
        Next runs ({schedule.timeZone}):{' '}
      </Text>
      {runs.length ? runs.map((r) => fmt.format(r)).join(' · ') : 'none'}
    </Text>
  );
}

/**
 * One schedule: when (a simple form or cron), in which time zone, and for a policy's backups
 * (onRemove given) which kind of backup and its start window.
 */
export function ScheduleCard(props: {
  schedule: ScheduleDraft;
  index: number;
  errors: FieldErrors;
  onChange: (patch: Partial<ScheduleDraft>) => void;
  /** a backup schedule: its type, start window and a remove button are shown */
  onRemove?: () => void;
}) {
  const { schedule: s, onChange } = props;
  const err = (field: string) => props.errors[`schedules.${props.index}.${field}`];
  const whole = props.errors[`schedules.${props.index}`];
  const invalid = Object.keys(props.errors).some((k) => k === `schedules.${props.index}` || k.startsWith(`schedules.${props.index}.`));
  const at = <TextInput type="time" label="At" w={130} value={s.at} onChange={(e) => onChange({ at: e.currentTarget.value })} error={err('at')} />;
  return (
    <Paper withBorder p="sm" data-testid={`schedule-${props.index}`} aria-label={`Schedule ${s.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm">
            {props.onRemove ? `${s.id}: ` : ''}
            {invalid ? 'not valid yet' : describeSchedule(scheduleOf(s) as ScheduleForm)}
          </Text>
          {props.onRemove && (
            <Tooltip label="Remove this schedule">
              <ActionIcon variant="subtle" color="red" onClick={props.onRemove} aria-label={`Remove schedule ${s.id}`}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
        <Group align="start">
          <Select
            label="Runs"
            w={230}
            data={FORMS}
            value={s.form}
            allowDeselect={false}
            onChange={(v) => v && onChange({ form: v as ScheduleFormName })}
          />
          {s.form === 'hourly' && (
            <>
              <NumberInput
                label="Every (hours)"
                w={120}
                min={1}
                max={23}
                value={s.everyHours}
                onChange={(v) => onChange({ everyHours: Number(v) || 1 })}
                error={err('everyHours')}
              />
              <NumberInput
                label="At minute"
                w={110}
                min={0}
                max={59}
                value={s.minute}
                onChange={(v) => onChange({ minute: Number(v) || 0 })}
                error={err('minute')}
              />
            </>
          )}
          {(s.form === 'daily' || s.form === 'weekly') && at}
          {s.form === 'monthly' && (
            <>
              <Select
                label="On"
                w={150}
                data={MONTH_DAYS}
                value={String(s.dayOfMonth)}
                allowDeselect={false}
                onChange={(v) => v && onChange({ dayOfMonth: v === 'last' ? 'last' : Number(v) })}
              />
              {at}
            </>
          )}
          {s.form === 'cron' && (
            <TextInput
              label="Cron expression"
              description="minute hour day-of-month month day-of-week"
              placeholder="30 2 * * 1-5"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              style={{ flex: 1 }}
              value={s.expression}
              onChange={(e) => onChange({ expression: e.currentTarget.value })}
              error={err('expression')}
            />
          )}
          <Select
            label="Time zone"
            w={220}
            searchable
            data={zones(s.timeZone)}
            value={s.timeZone}
            allowDeselect={false}
            onChange={(v) => v && onChange({ timeZone: v })}
            error={err('timeZone')}
          />
        </Group>
        {s.form === 'weekly' && (
          <Checkbox.Group label="On" value={s.days.map(String)} onChange={(v) => onChange({ days: v.map(Number) })} error={err('days')}>
            <Group gap="md" mt={4}>
              {WEEK.map((d) => (
                <Checkbox key={d.day} value={String(d.day)} label={d.label} />
              ))}
            </Group>
          </Checkbox.Group>
        )}
        {props.onRemove && (
          <Group align="start">
            <Stack gap={4}>
              <Input.Label>Backup type</Input.Label>
              <Choice value={s.backupType} onChange={(backupType) => onChange({ backupType })} options={TYPES} />
              <Text size="xs" c="dimmed" maw={340}>
                {TYPE_WORDS[s.backupType]}
              </Text>
            </Stack>
            <NumberInput
              label="Start window (minutes)"
              description="A run not started by then is skipped, with why in the log. Empty: until the next run is due."
              w={300}
              min={5}
              value={s.windowMinutes ?? ''}
              onChange={(v) => onChange({ windowMinutes: typeof v === 'number' ? v : null })}
              error={err('windowMinutes')}
            />
          </Group>
        )}
        {whole && (
          <Alert color="red" variant="light" p="xs">
            {whole}
          </Alert>
        )}
        {!invalid && <NextRuns schedule={s} />}
      </Stack>
    </Paper>
  );
}
