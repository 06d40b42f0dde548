import { Link } from 'react-router';
import { Anchor, Group, NumberInput, Select, Switch, Text, TextInput, Textarea } from '@mantine/core';
import type { DestinationView } from '../../../../shared/domain/destinations';
import type { FieldErrors, PolicyDraft } from './editor-state';
import { EditorSection } from './EditorSection';

export interface SectionProps {
  draft: PolicyDraft;
  set: (patch: Partial<PolicyDraft>) => void;
  errors: FieldErrors;
}

/** Name, destination, priority, and whether the policy runs. */
export function GeneralSection({ draft, set, errors, destinations }: SectionProps & { destinations: DestinationView[] | undefined }) {
  return (
    <EditorSection id="general" title="General" description="What the policy is called, where its backups go, and whether its schedules run.">
      <Group grow align="start">
        <TextInput label="Name" required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} error={errors.name} />
        <Select
          label="Destination"
          required
          placeholder={destinations?.length === 0 ? 'No destination yet' : 'Choose a destination'}
          data={(destinations ?? []).map((d) => ({ value: d.id, label: d.name }))}
          value={draft.destination || null}
          onChange={(v) => set({ destination: v ?? '' })}
          error={errors.destination}
          allowDeselect={false}
        />
        <NumberInput
          label="Priority"
          description="Lower runs first, and claims an instance two policies match"
          min={0}
          max={1000}
          value={draft.priority}
          onChange={(v) => set({ priority: typeof v === 'number' ? v : 100 })}
          error={errors.priority}
        />
      </Group>
      {destinations?.length === 0 && (
        <Text size="sm" c="orange">
          Backups need a destination: create one under{' '}
          <Anchor component={Link} to="/destinations" inherit>
            Destinations
          </Anchor>{' '}
          first.
        </Text>
      )}
      <Textarea
        label="Description"
        autosize
        minRows={1}
        maxRows={4}
        value={draft.description}
        onChange={(e) => set({ description: e.currentTarget.value })}
        error={errors.description}
      />
      <Switch
        label="Enabled"
        description="A paused policy keeps its members; its schedules do not run"
        checked={draft.enabled}
        onChange={(e) => set({ enabled: e.currentTarget.checked })}
      />
    </EditorSection>
  );
}
