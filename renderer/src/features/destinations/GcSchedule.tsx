import { useState } from 'react';
import { Anchor, Button, Group, Modal, Stack, Switch, Text } from '@mantine/core';
import type { DestinationView } from '../../../../shared/domain/destinations';
import { describeSchedule } from '../../../../shared/domain/schedule-forms';
import { Schedule } from '../../../../shared/domain/schedules';
import { call } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalFooter } from '../../components/ModalFooter';
import { asAppError } from '../../api/errors';
import type { AppError } from '../../../../shared/errors/app-error';
import { browserTimeZone, newSchedule, scheduleDraftOf, scheduleOf, type FieldErrors, type ScheduleDraft } from '../protection/editor-state';
import { ScheduleCard } from '../protection/ScheduleCard';

const weeklyDraft = (): ScheduleDraft => ({ ...newSchedule([], browserTimeZone()), id: 'gc', form: 'weekly', days: [0], at: '03:00' });

/** Problems of the draft at their fields, as the schedule card shows them (index 0). */
function errorsOf(d: ScheduleDraft): FieldErrors {
  const r = Schedule.safeParse(scheduleOf(d));
  if (r.success) return {};
  const errors: FieldErrors = {};
  for (const i of r.error.issues) errors[i.path.length ? `schedules.0.${String(i.path[0])}` : 'schedules.0'] ??= i.message;
  return errors;
}

function GcScheduleModal({ destination: d, onClose }: { destination: DestinationView; onClose: () => void }) {
  const [on, setOn] = useState(d.gcSchedule !== null);
  const [draft, setDraft] = useState<ScheduleDraft>(d.gcSchedule ? scheduleDraftOf(d.gcSchedule) : weeklyDraft());
  const [error, setError] = useState<AppError | null>(null);
  const [saving, setSaving] = useState(false);
  const errors = on ? errorsOf(draft) : {};
  const save = async () => {
    setSaving(true);
    try {
      await call('destinations.setGcSchedule', { id: d.id, schedule: on ? Schedule.parse(scheduleOf(draft)) : null });
      onClose();
    } catch (e) {
      setError(asAppError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Garbage collection of ${d.name}`} size="xl">
      <Stack>
        <Text size="sm" c="dimmed">
          Pruning forgets restore points; garbage collection then removes the chunks no restore point uses any more, and frees their space. It runs as
          a job while the scheduler runs (the desktop app, its tray, or backstack serve), and never removes chunks a backup in progress may still use.
        </Text>
        <Switch checked={on} onChange={(e) => setOn(e.currentTarget.checked)} label="Collect garbage by schedule" />
        {on && <ScheduleCard schedule={draft} index={0} errors={errors} onChange={(patch) => setDraft({ ...draft, ...patch })} />}
        {!on && <Text size="sm">Unused chunks are then removed only when you press Collect garbage.</Text>}
        <ModalFooter>
          {error && <ErrorAlert error={error} title="The schedule was not saved" />}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => void save()} loading={saving} disabled={Object.keys(errors).length > 0}>
              Save
            </Button>
          </Group>
        </ModalFooter>
      </Stack>
    </Modal>
  );
}

/** "Garbage collection: weekly on Sunday at 03:00 — next …", and a link to change it. */
export function GcScheduleLine({ destination: d }: { destination: DestinationView }) {
  const [editing, setEditing] = useState(false);
  return (
    <Group gap="xs" data-testid="gc-schedule">
      <Text size="sm">
        Garbage collection:{' '}
        {d.gcSchedule
          ? `${describeSchedule(d.gcSchedule)}${d.nextGcAt ? ` — next ${new Date(d.nextGcAt).toLocaleString()}` : ''}`
          : 'only when you press Collect garbage'}
      </Text>
      <Anchor component="button" size="sm" onClick={() => setEditing(true)}>
        Change…
      </Anchor>
      {editing && <GcScheduleModal destination={d} onClose={() => setEditing(false)} />}
    </Group>
  );
}
