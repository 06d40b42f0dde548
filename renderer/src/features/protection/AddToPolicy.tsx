import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconShieldPlus } from '@tabler/icons-react';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';

/** "Add to policy…" for one instance (its detail in Inventory): a conflict with another policy is shown as the core words it. */
export function AddToPolicy(props: { providerId: string; instanceId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [policyId, setPolicyId] = useState<string | null>(null);
  const { data, error, reload } = useQuery('policies.list', open ? {} : null, { tables: ['policies'] });
  const submit = useSubmit((id: string) =>
    call('policies.assign', { id, instances: [{ providerId: props.providerId, instanceId: props.instanceId }] }),
  );
  const close = () => {
    setOpen(false);
    setPolicyId(null);
    submit.clearError();
  };
  const add = async () => {
    if (!policyId) return;
    const r = await submit.run(policyId);
    if (!r.ok) return;
    const name = data?.items.find((p) => p.id === policyId)?.spec.name ?? 'the policy';
    notifications.show({
      color: r.value.conflicts.length ? 'orange' : 'green',
      title: r.value.assigned ? `${props.name} added to ${name}` : `${props.name} not added`,
      message: r.value.conflicts.length ? r.value.conflicts.join('; ') : 'Its schedules back it up from now on.',
    });
    close();
  };
  const items = data?.items ?? [];
  return (
    <>
      <Button size="xs" variant="light" leftSection={<IconShieldPlus size={14} />} onClick={() => setOpen(true)}>
        Add to policy…
      </Button>
      <Modal opened={open} onClose={close} title={`Add ${props.name} to a policy`}>
        <Stack>
          {error && <ErrorAlert error={error} title="The policies could not be listed" onRetry={reload} compact />}
          {data && items.length === 0 ? (
            <Text size="sm">
              No policy yet:{' '}
              <Anchor component={Link} to="/protection/new" inherit>
                create one under Protection
              </Anchor>
              .
            </Text>
          ) : (
            <Select
              label="Policy"
              placeholder="Choose a policy"
              data={items.map((p) => ({ value: p.id, label: `${p.spec.name}${p.spec.enabled ? '' : ' (paused)'}` }))}
              value={policyId}
              onChange={(v) => {
                setPolicyId(v);
                submit.clearError();
              }}
            />
          )}
          <Text size="xs" c="dimmed">
            An instance belongs to one policy at most: one already in another policy is not moved.
          </Text>
          {submit.error && <ErrorAlert error={submit.error} title="Not added" compact />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={() => void add()} disabled={!policyId} loading={submit.busy}>
              Add
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
