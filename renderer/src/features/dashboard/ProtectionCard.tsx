import { Card, Group, RingProgress, Stack, Text } from '@mantine/core';
import { plural } from '../../../../shared/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useInstances } from '../inventory/useInstances';

/** How many instances have at least one restore point, and how many have none. */
export function ProtectionCard() {
  const instances = useInstances();
  if (instances.error) return <ErrorAlert error={instances.error} title="Protection figures unavailable" onRetry={instances.reload} />;
  if (!instances.data || instances.data.items.length === 0) return null;
  const total = instances.data.items.length;
  const covered = instances.data.items.filter((i) => i.lastBackupAt !== null).length;
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
            {covered} of {plural(total, 'instance')} backed up
          </Text>
          <Text size="sm" c={total - covered ? 'orange' : 'dimmed'}>
            {total - covered} unprotected
          </Text>
        </Stack>
      </Group>
    </Card>
  );
}
