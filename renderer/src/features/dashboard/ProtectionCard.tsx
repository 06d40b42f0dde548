import { Card, Group, RingProgress, Stack, Text } from '@mantine/core';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useInstances } from '../inventory/useInstances';

/** How many instances have at least one restore point, and how many have none. */
export function ProtectionCard() {
  const instances = useInstances();
  const backups = useQuery('backups.list', {}, { tables: ['backups'] });
  const error = instances.error ?? backups.error;
  if (error) {
    return (
      <ErrorAlert
        error={error}
        title="Protection figures unavailable"
        onRetry={() => {
          instances.reload();
          backups.reload();
        }}
      />
    );
  }
  if (!instances.data || !backups.data || instances.data.items.length === 0) return null;
  const withBackup = new Set(backups.data.items.map((b) => b.resourceId));
  const total = instances.data.items.length;
  const covered = instances.data.items.filter((i) => withBackup.has(i.id)).length;
  const pct = Math.round((100 * covered) / total);
  return (
    <Card withBorder data-testid="protection-card">
      <Group>
        <RingProgress
          size={96}
          thickness={10}
          sections={[{ value: pct, color: pct === 100 ? 'green' : 'indigo' }]}
          label={
            <Text ta="center" fw={700}>
              {pct}%
            </Text>
          }
        />
        <Stack gap={2}>
          <Text fw={600}>Protection</Text>
          <Text size="sm">
            {covered} of {total} instances have a restore point
          </Text>
          <Text size="sm" c={total - covered ? 'orange' : 'dimmed'}>
            {total - covered} unprotected
          </Text>
        </Stack>
      </Group>
    </Card>
  );
}
