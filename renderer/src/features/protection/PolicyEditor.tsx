import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Box, Button, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { DestinationView } from '../../../../shared/domain/destinations';
import type { PolicySpec, PolicySpecInput } from '../../../../shared/domain/policies';
import { rulesSelect } from '../../../../shared/domain/policy-words';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { draftOf, isLiveError, specOf, validate, type FieldErrors, type PolicyDraft } from './editor-state';
import { NotificationRulesSection } from '../notifications/NotificationRulesSection';
import { GeneralSection } from './GeneralSection';
import { MembersSection } from './MembersSection';
import { OptionsSection } from './OptionsSection';
import { RetentionSection } from './RetentionSection';
import { SchedulesSection } from './SchedulesSection';

interface FormProps {
  id: string | undefined;
  initial: PolicySpec | null;
  destinations: DestinationView[];
}

function EditorForm({ id, initial, destinations }: FormProps) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<PolicyDraft>(() =>
    draftOf(initial, { destination: destinations.find((d) => d.isDefault)?.id ?? destinations[0]?.id ?? '' }),
  );
  // Errors of fields not typed into yet (an empty name) wait for the first Save.
  const [tried, setTried] = useState(false);
  const set = (patch: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const all = validate(draft);
  const errors: FieldErrors = Object.fromEntries(Object.entries(all).filter(([k]) => tried || isLiveError(k)));
  const count = Object.keys(all).length;
  const submit = useSubmit((spec: PolicySpecInput) => (id ? call('policies.update', { id, spec }) : call('policies.create', { spec })));
  const save = async () => {
    setTried(true);
    if (count > 0) return;
    const r = await submit.run(specOf(draft));
    if (!r.ok) return;
    const s = r.value.spec;
    const rules = s.autoAssign !== 'off' && rulesSelect(s.rules) ? ' Its rules assigned the instances they match now, and do again at each inventory sync.' : '';
    notifications.show({
      color: 'green',
      title: `Policy ${s.name} saved`,
      message: `${s.enabled ? 'Its schedules run from now on.' : 'It is paused.'}${rules}`,
    });
    void navigate(`/protection/${r.value.id}`);
  };
  const section = { draft, set, errors };
  return (
    <Stack h="100%" gap="sm">
      <PageHeader title={initial ? `Edit policy ${initial.name}` : 'New policy'}>
        {tried && count > 0 && (
          <Text size="sm" c="red" role="alert">
            Fix the {count === 1 ? 'field' : `${count} fields`} marked in red.
          </Text>
        )}
        <Button variant="default" component={Link} to={id ? `/protection/${id}` : '/protection'}>
          Cancel
        </Button>
        <Button onClick={() => void save()} loading={submit.busy}>
          {id ? 'Save' : 'Create policy'}
        </Button>
      </PageHeader>
      {submit.error && <ErrorAlert error={submit.error} title="Not saved" />}
      <Box style={{ flex: 1, minHeight: 0, overflowY: 'auto' }} pr="xs">
        <Stack gap="md" pb="md">
          <GeneralSection {...section} destinations={destinations} />
          <MembersSection {...section} policyId={id} />
          <SchedulesSection {...section} />
          <RetentionSection {...section} />
          <OptionsSection {...section} />
          <NotificationRulesSection value={draft.notifications} onChange={(notifications) => set({ notifications })} />
        </Stack>
      </Box>
    </Stack>
  );
}

/** Creates a policy, or edits one (/protection/:id/edit), in sections: general, members with a live preview, schedules, retention with a simulator. */
export function PolicyEditor() {
  const { id } = useParams();
  const policy = useQuery('policies.get', id ? { id } : null, { tables: ['policies'] });
  const destinations = useQuery('destinations.list', {}, { tables: ['destinations'] });
  const error = policy.error ?? destinations.error;
  if (error) {
    return (
      <Stack>
        <PageHeader title={id ? 'Edit policy' : 'New policy'} />
        <ErrorAlert
          error={error}
          title={policy.error ? 'The policy could not be read' : 'The destinations could not be listed'}
          onRetry={() => (policy.error ? policy.reload() : destinations.reload())}
        />
      </Stack>
    );
  }
  if (!destinations.data || (id && !policy.data)) return <Loader />;
  // Keyed: the form's draft is made once from what was loaded; a reload does not overwrite what is being typed.
  return <EditorForm key={id ?? 'new'} id={id} initial={policy.data?.spec ?? null} destinations={destinations.data.items} />;
}
