import { useState } from 'react';
import { Button, Group, Input, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { DestinationView } from '../../../../shared/domain/destinations';
import type { PolicyView } from '../../../../shared/domain/policies';
import { retentionInWords } from '../../../../shared/domain/policy-words';
import { describeSchedule, type ScheduleForm } from '../../../../shared/domain/schedule-forms';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { browserTimeZone, draftOf, isLiveError, newSchedule, scheduleOf, specOf, validate, type PolicyDraft } from '../protection/editor-state';
import { MembersPreview } from '../protection/MembersPreview';
import { Names, Patterns, useSuggestions } from '../protection/MembersSection';
import { DoneNote, NeedsFirst, StepFrame } from './StepFrame';

/** A first policy: daily, keeping a week of days and a month of weeks; its rules assign what they match. */
function firstDraft(destinations: DestinationView[]): PolicyDraft {
  const destination = destinations.find((d) => d.isDefault)?.id ?? destinations[0]?.id ?? '';
  return { ...draftOf(null, { destination }), name: 'Daily', schedules: [newSchedule([], browserTimeZone())], retention: { daily: 7, weekly: 4 } };
}

/** The policy editor's fields that matter for a first policy, with the live preview of what its rules match. */
function PolicyForm({ destinations }: { destinations: DestinationView[] }) {
  const [draft, setDraft] = useState(() => firstDraft(destinations));
  const [tried, setTried] = useState(false);
  const set = (patch: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const all = validate(draft);
  const errors = Object.fromEntries(Object.entries(all).filter(([k]) => tried || isLiveError(k)));
  const section = { draft, set, errors };
  const suggest = useSuggestions();
  const schedule = draft.schedules[0]!;
  const keep = (key: 'daily' | 'weekly', v: string | number) => set({ retention: { ...draft.retention, [key]: typeof v === 'number' ? v : undefined } });
  const submit = useSubmit(() => call('policies.create', { spec: specOf(draft) }));
  const create = async () => {
    setTried(true);
    if (Object.keys(all).length > 0) return;
    const r = await submit.run();
    if (r.ok) notifications.show({ color: 'green', title: `Policy ${r.value.spec.name} created`, message: `${r.value.members} instance(s) assigned by its rules.` });
  };
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Stack gap="sm">
        <Group grow align="start">
          <TextInput label="Name" required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} error={errors.name} />
          <Select
            label="Destination"
            data={destinations.map((d) => ({ value: d.id, label: d.name }))}
            value={draft.destination || null}
            onChange={(v) => set({ destination: v ?? '' })}
            error={errors.destination}
            allowDeselect={false}
          />
        </Group>
        <Patterns field="includeNames" label="Names to include" description="Regular expressions, one a line" placeholder="^web-" {...section} />
        <Group grow align="start">
          <Names field="tags" label="Tags" description="Nova tags; press Enter after each" data={suggest.tags} {...section} />
          <Names field="projects" label="Projects" description="Names or ids" data={suggest.projects} {...section} />
        </Group>
        <Group align="end">
          <TextInput
            type="time"
            label="Daily at"
            w={130}
            value={schedule.at}
            onChange={(e) => set({ schedules: [{ ...schedule, at: e.currentTarget.value }] })}
            error={errors['schedules.0.at'] ?? errors['schedules.0']}
          />
          <NumberInput label="Keep daily" w={120} min={0} max={10_000} value={draft.retention.daily ?? ''} onChange={(v) => keep('daily', v)} />
          <NumberInput label="Keep weekly" w={120} min={0} max={10_000} value={draft.retention.weekly ?? ''} onChange={(v) => keep('weekly', v)} />
        </Group>
        <Text size="xs" c="dimmed">
          Runs {describeSchedule(scheduleOf(schedule) as ScheduleForm)}; keeps {retentionInWords(draft.retention)}. The Protection page
          edits the rest: more schedules, exclusions, snapshot commands.
        </Text>
        {submit.error && <ErrorAlert error={submit.error} title="Not created" />}
        <Button w="fit-content" onClick={() => void create()} loading={submit.busy}>
          Create policy
        </Button>
      </Stack>
      <Stack gap={4}>
        <Input.Label>Preview</Input.Label>
        <Text size="xs" c="dimmed">
          What these rules match in the inventory now: each sync assigns the instances they match.
        </Text>
        <MembersPreview draft={draft} policyId={undefined} />
      </Stack>
    </SimpleGrid>
  );
}

/** The policies there are, with their members and next run. */
function Policies({ policies }: { policies: PolicyView[] }) {
  return (
    <Table withTableBorder data-testid="setup-policies">
      <Table.Tbody>
        {policies.map((p) => {
          const next = p.nextRuns.map((r) => r.at).filter((at): at is string => at !== null).sort()[0];
          return (
            <Table.Tr key={p.id}>
              <Table.Td fw={600}>{p.spec.name}</Table.Td>
              <Table.Td>{`${p.members} member${p.members === 1 ? '' : 's'}`}</Table.Td>
              <Table.Td c="dimmed">{p.destinationName ? `to ${p.destinationName}` : ''}</Table.Td>
              <Table.Td c="dimmed">{next ? `next run ${new Date(next).toLocaleString()}` : 'no run scheduled'}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** Step 4: a first policy (which instances, daily, how long to keep), created after its preview. */
export function PolicySetup({ destinations, policies }: { destinations: DestinationView[]; policies: PolicyView[] }) {
  const intro =
    'A policy backs up the instances its rules match (by name, tag or project), on a schedule, into a destination, and removes old restore points by its retention. Each inventory sync assigns new instances that match.';
  let body;
  if (policies.length > 0)
    body = (
      <Stack gap="sm">
        <DoneNote title={policies.length === 1 ? 'A policy protects instances' : `${policies.length} policies protect instances`} />
        <Policies policies={policies} />
      </Stack>
    );
  else if (destinations.length === 0) body = <NeedsFirst>Choose a destination first: a policy writes its backups into one.</NeedsFirst>;
  else
    body = (
      <Paper withBorder p="md">
        <PolicyForm destinations={destinations} />
      </Paper>
    );
  return (
    <StepFrame title="Protect instances with a policy" intro={intro}>
      {body}
    </StepFrame>
  );
}
