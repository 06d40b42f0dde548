import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, NumberInput, PasswordInput, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import type { CopyTargetView, LockMode } from '../../../../shared/domain/copies';
import type { DestinationView } from '../../../../shared/domain/destinations';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { ActionButtons } from '../../components/ActionButtons';
import { ErrorAlert } from '../../components/ErrorAlert';

const test: Action<CopyTargetView> = {
  id: 'test',
  label: 'Test',
  run: async ([t]) => {
    const r = await call('copies.testTarget', { id: t!.id });
    if (!r.ok) throw new Error(r.message);
    return r.message;
  },
  done: ([t]) => `${t!.name} works`,
};
const remove: Action<CopyTargetView> = {
  id: 'remove',
  label: 'Remove',
  danger: true,
  confirm: ([t]) => ({
    title: `Remove ${t!.name}?`,
    message: 'Backstack forgets the target and its secret key. What it copied stays in the bucket.',
    confirmLabel: 'Remove',
  }),
  run: async ([t]) => (await call('copies.removeTarget', { id: t!.id }), 'The objects in its bucket stay.'),
  done: ([t]) => `${t!.name} removed`,
};
const copyFrom = (d: DestinationView): Action<CopyTargetView> => ({
  id: `copy-${d.id}`,
  label: `Copy ${d.name} now`,
  run: async ([t]) => followJob(await call('copies.start', { destinationId: d.id, targetId: t!.id })),
  done: ([t]) => `Copy of ${d.name} to ${t!.name} started`,
});

function AddTarget({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [f, setF] = useState({
    name: '',
    endpoint: '',
    region: 'us-east-1',
    bucket: '',
    prefix: '',
    pathStyle: true,
    accessKeyId: '',
    secret: '',
    lock: false,
    mode: 'governance' as LockMode,
    days: 30,
  });
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));
  const text = (
    k: 'name' | 'endpoint' | 'bucket' | 'prefix' | 'region' | 'accessKeyId',
    label: string,
    props: { required?: boolean; description?: string } = {},
  ) => <TextInput label={label} {...props} value={f[k]} onChange={(e) => set(k, e.currentTarget.value)} />;
  const submit = useSubmit(() =>
    call('copies.addTarget', {
      name: f.name,
      endpoint: f.endpoint,
      region: f.region,
      bucket: f.bucket,
      prefix: f.prefix,
      forcePathStyle: f.pathStyle,
      accessKeyId: f.accessKeyId,
      secretAccessKey: f.secret,
      lock: f.lock ? { mode: f.mode, days: f.days } : null,
    }),
  );
  const close = () => {
    setF((x) => ({ ...x, secret: '' }));
    submit.clearError();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Add a copy target (S3-compatible bucket)" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run().then((r) => r.ok && close());
        }}
      >
        <Stack>
          {text('name', 'Name', { required: true })}
          {text('endpoint', 'Endpoint', { required: true, description: 'https://s3.example.com, or http://host:7480 for Ceph RGW' })}
          <Group grow>
            {text('bucket', 'Bucket', { required: true, description: 'It must exist (with Object Lock for a lock)' })}
            {text('prefix', 'Prefix', { description: 'One repository per prefix' })}
            {text('region', 'Region')}
          </Group>
          <Switch
            label="Bucket in the path (Ceph RGW, MinIO); off for virtual-host style (AWS)"
            checked={f.pathStyle}
            onChange={(e) => set('pathStyle', e.currentTarget.checked)}
          />
          <Group grow>
            {text('accessKeyId', 'Access key', { required: true })}
            <PasswordInput
              label="Secret key"
              description="Sealed in the catalog"
              required
              value={f.secret}
              onChange={(e) => set('secret', e.currentTarget.value)}
            />
          </Group>
          <Switch
            label="Lock every copied object (Object Lock): a delete with this key fails until the date"
            checked={f.lock}
            onChange={(e) => set('lock', e.currentTarget.checked)}
          />
          {f.lock && (
            <Group grow>
              <Select
                label="Mode"
                data={[
                  { value: 'governance', label: 'Governance (an account allowed to bypass may delete)' },
                  { value: 'compliance', label: 'Compliance (nobody may delete, not even the owner)' },
                ]}
                value={f.mode}
                onChange={(v) => v && set('mode', v as LockMode)}
                allowDeselect={false}
              />
              <NumberInput label="Days locked" min={1} max={36500} value={f.days} onChange={(v) => set('days', Number(v) || 1)} />
            </Group>
          )}
          {submit.error && <ErrorAlert error={submit.error} title="The target was not added" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={submit.busy}>
              Add
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Offsite copies: the S3 buckets restore points are copied to, each with test, copy now and remove. */
export function CopyTargets({ destinations }: { destinations: DestinationView[] }) {
  const { data, error, reload } = useQuery('copies.listTargets', {}, { tables: ['settings'] });
  const [open, setOpen] = useState(false);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <div>
            <Title order={4}>Offsite copies</Title>
            <Text size="sm" c="dimmed">
              Restore points copied into S3-compatible object storage (AWS S3, Ceph RGW, MinIO), sealed as they are here; only the chunks a copy lacks
              are sent.
            </Text>
          </div>
          <Button leftSection={<IconCloudUpload size={16} />} variant="light" onClick={() => setOpen(true)}>
            Add a copy target
          </Button>
        </Group>
        <AddTarget opened={open} onClose={() => setOpen(false)} />
        {error && <ErrorAlert error={error} title="The copy targets could not be listed" onRetry={reload} />}
        {data?.items.length === 0 && <Text size="sm">No copy target yet.</Text>}
        {data?.items.map((t) => (
          <Group key={t.id} justify="space-between" wrap="nowrap" data-testid="copy-target">
            <div>
              <Text fw={600}>
                {t.name}{' '}
                {t.lock && (
                  <Badge size="sm" variant="light" color="grape">
                    locked {t.lock.days} d ({t.lock.mode})
                  </Badge>
                )}
              </Text>
              <Text size="xs" c="dimmed">
                {t.endpoint} · bucket {t.bucket}
                {t.prefix ? ` · prefix ${t.prefix}/` : ''}
              </Text>
            </div>
            <Group gap="xs" wrap="nowrap">
              <ActionButtons actions={[test, ...destinations.map(copyFrom)]} items={[t]} />
              <ActionButtons actions={[remove]} items={[t]} />
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
